/**
 * The overlaid loss chart's y range when runs are compared: bounded by the runs that converge, so
 * one diverged run (a loss of 3.66e+189) does not stretch a log axis over 180 decades and flatten
 * every other curve. Runs that leave that range are cut where they cross its top edge.
 */
export interface BoundedSeries {
  loss: ArrayLike<number>
  length: number
  /** The run's stored status says it diverged. */
  diverged?: boolean
}

/**
 * A run that is leaving: diverged, or (still training) its latest loss is above its first — a
 * run on its way to diverging has not been flagged yet, and must not set the range meanwhile.
 */
export function isLeaving(s: BoundedSeries): boolean {
  if (s.diverged) return true
  if (s.length < 2) return false
  const first = s.loss[0]!
  const last = s.loss[s.length - 1]!
  return !Number.isFinite(last) || last > first
}

/**
 * Whole decades around every finite positive loss of the converging series: [10^⌊log min⌋,
 * 10^⌈log max⌉]. Null when no series converges (then the axis fits whatever there is).
 */
export function convergingBounds<S extends BoundedSeries>(series: readonly S[], rangeOf: (s: S) => LossRange = (s) => lossRange(s.loss, 0, s.length)): { min: number; max: number } | null {
  let lo = Infinity
  let hi = -Infinity
  for (const s of series) {
    if (isLeaving(s)) continue
    const r = rangeOf(s)
    lo = Math.min(lo, r.lo)
    hi = Math.max(hi, r.hi)
  }
  if (!Number.isFinite(lo)) return null
  // Math.log10 of an exact power of ten is exact, so a loss of 100 gives a top of 100, not 1000.
  const min = 10 ** Math.floor(Math.log10(lo))
  let max = 10 ** Math.ceil(Math.log10(hi))
  if (max <= min) max = min * 10
  return { min, max }
}

/** Smallest and largest finite positive loss. */
export interface LossRange {
  lo: number
  hi: number
}

/**
 * The range of loss[from, to), extending `previous` (histories only grow, so a caller can keep
 * each series' range and scan only the epochs that arrived since).
 */
export function lossRange(loss: ArrayLike<number>, from: number, to: number, previous: LossRange = { lo: Infinity, hi: -Infinity }): LossRange {
  let { lo, hi } = previous
  for (let i = from; i < to; i++) {
    const v = loss[i]!
    if (!(v > 0) || !Number.isFinite(v)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return { lo, hi }
}

/** The first epoch whose loss is above `top` or not finite (where a curve leaves the plot); -1 when none. */
export function crossingIndex(loss: ArrayLike<number>, length: number, top: number): number {
  for (let i = 0; i < length; i++) {
    const v = loss[i]!
    if (Number.isNaN(v)) continue
    if (!(v <= top)) return i
  }
  return -1
}
