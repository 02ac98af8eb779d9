import type { PreparedInfo } from '../../../src-core/train/fit-model'

/**
 * A run's history as it streams in: Float64Arrays that grow by doubling (no per-batch
 * reallocation of the whole history), the wall time at the end of each batch, and θ along the way
 * (for the loss-surface path of small models).
 */
export class LiveHistory {
  loss: Float64Array = new Float64Array(1024)
  valLoss: Float64Array | null = null
  length = 0
  timeline: { epoch: number; elapsedMs: number }[] = []
  params: Float64Array | null = null
  path: { epochs: number[]; params: number[][] } = { epochs: [], params: [] }
  info: PreparedInfo | null = null

  /**
   * Fills epochs before the stream began (a run that was already training when the page opened)
   * from the stored history; never overwrites what the stream delivered.
   */
  prefill(loss: Float64Array, valLoss: Float64Array | null, timeline: { epoch: number; elapsedMs: number }[]): void {
    const upTo = Math.min(loss.length, this.firstStreamed)
    if (upTo <= 0) return
    if (upTo > this.loss.length) this.loss = grow(this.loss, upTo)
    this.loss.set(loss.subarray(0, upTo))
    if (valLoss) {
      this.valLoss ??= new Float64Array(this.loss.length)
      if (upTo > this.valLoss.length) this.valLoss = grow(this.valLoss, upTo)
      this.valLoss.set(valLoss.subarray(0, upTo))
    }
    this.length = Math.max(this.length, upTo)
    this.timeline = [...timeline.filter((t) => t.epoch <= upTo), ...this.timeline.filter((t) => t.epoch > upTo)]
  }

  /** First epoch the stream delivered (Infinity before any). */
  firstStreamed = Infinity

  append(from: number, loss: Float64Array, valLoss: Float64Array | null, params: Float64Array, elapsedMs: number): void {
    this.firstStreamed = Math.min(this.firstStreamed, from)
    const end = from + loss.length
    if (end > this.loss.length) this.loss = grow(this.loss, end)
    this.loss.set(loss, from)
    if (valLoss) {
      this.valLoss ??= new Float64Array(this.loss.length)
      if (end > this.valLoss.length) this.valLoss = grow(this.valLoss, end)
      this.valLoss.set(valLoss, from)
    }
    this.length = Math.max(this.length, end)
    this.timeline.push({ epoch: end, elapsedMs })
    this.params = params
    // Small models: keep θ at the end of each batch (the stored run has the full, thinned path).
    if (params.length <= 3 && this.path.epochs.length < 20_000) {
      this.path.epochs.push(end - 1)
      this.path.params.push(Array.from(params))
    }
  }
}

function grow(a: Float64Array, needed: number): Float64Array {
  let size = a.length
  while (size < needed) size *= 2
  const out = new Float64Array(size)
  out.set(a)
  return out
}

/** Maps an epoch to wall time by interpolating between the batches' time stamps. */
export function timeOfEpoch(timeline: readonly { epoch: number; elapsedMs: number }[]): (epoch: number) => number {
  return (epoch) => {
    if (timeline.length === 0) return NaN
    let lo = 0
    let hi = timeline.length - 1
    if (epoch >= timeline[hi]!.epoch) return timeline[hi]!.elapsedMs
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (timeline[mid]!.epoch < epoch + 1) lo = mid + 1
      else hi = mid
    }
    const after = timeline[lo]!
    const before = lo > 0 ? timeline[lo - 1]! : { epoch: 0, elapsedMs: 0 }
    const span = after.epoch - before.epoch
    return span > 0 ? before.elapsedMs + ((epoch + 1 - before.epoch) / span) * (after.elapsedMs - before.elapsedMs) : after.elapsedMs
  }
}
