import type { BackendData } from '../../src-core/backends/backend'
import { CpuBackend } from '../../src-core/backends/cpu/cpu-backend'
import { InputError } from '../../src-core/errors'
import type { Metrics } from '../../src-core/model/metrics'
import { Random, identityPermutation } from '../../src-core/random'
import type { Standardization } from '../../src-core/table/standardize'
import type { TrainConfig } from '../../src-core/train/config'
import { initialParams } from '../../src-core/train/init-params'
import { createOptimizer } from '../../src-core/train/optimizers/registry'
import { learningRateAt } from '../../src-core/train/schedules'
import { EXPLOSION_FACTOR, type RunControl, type RunStatus } from '../../src-core/train/train-loop'
import type { LinkedSource, ScanChunk } from './linked-source'
import { RowHashSplit } from './row-hash-split'

/**
 * Gradient descent over a linked dataset, one streamed pass of DuckDB chunks per epoch, with the
 * CPU backend (cpu-backend.ts: the same WebAssembly kernels and optimizers as in memory) loaded one
 * chunk — or one shuffle window — at a time, so memory is O(window · features).
 *
 * - Full batch (no --batch-size): each pass sums, chunk by chunk, the squared residuals and Σ r·x at
 *   the epoch's starting θ; then one optimizer step. The loss of epoch k is at the parameters that
 *   start it (DESIGN.md "Training semantics"), as in memory. Per-chunk means are weighted back to
 *   sums (mean · rows), which rounds once per chunk: the loss and gradient equal the in-memory ones
 *   to a few ulps, not bit for bit.
 * - Mini-batches (--batch-size B): chunks are read in file order (DuckDB streams a CSV from its
 *   start; it cannot be entered in the middle) and gathered into windows of `shuffleChunks`
 *   consecutive chunks; each window's training rows are permuted by the run's seeded generator
 *   (Random(seed + 1), the in-memory loop's stream, drawn window after window, epoch after epoch)
 *   and cut into batches of B, one step each; a window's last batch may be short. The epoch's loss
 *   is the mean of its batch losses. Unlike a full permutation, a batch never mixes rows of two
 *   windows and the windows come in file order every epoch.
 * - Validation (--validation-fraction): rows held out by RowHashSplit. Their loss is summed in the
 *   same pass at the θ that starts the pass — the θ after the previous epoch — so the pass of epoch
 *   k gives the validation loss of epoch k − 1, and the last epoch's comes from the metrics pass.
 * - After the last epoch one more pass computes the metrics (MSE, RMSE, MAE, R²) of the training
 *   and validation rows at the final parameters: the model file needs them.
 *
 * Cancel and pause are read between chunks; a cancelled epoch is dropped, as in memory.
 */

export interface StreamedGdInput {
  source: LinkedSource
  features: readonly string[]
  response: string
  where?: string
  config: TrainConfig
  /** From the statistics pass (mean, population sd of each feature), or null for raw features. */
  standardization: Standardization | null
  /** The response's mean over the rows read: the shift that keeps R²'s total sum of squares accurate. */
  responseMean: number
  /** Chunks per shuffle window for mini-batches. */
  shuffleChunks: number
  rowsPerChunk?: number
  /** The chunks to train on instead of the files' own columns (a formula's design: formula-chunks.ts): `features`, then `response`. */
  chunks?: () => AsyncIterable<ScanChunk>
  control?: RunControl
  /** After each chunk: the epoch (epochs = the metrics pass), the rows read in this pass. */
  onChunk?: (epoch: number, rowsInPass: number) => void
  /** After each epoch whose losses are known: epochs [from, to) of the history, θ now. */
  onEpochs?: (from: number, to: number, history: { loss: Float64Array; valLoss: Float64Array | null }, params: Float64Array) => void
}

export interface StreamedGdResult {
  status: RunStatus
  divergedAt: number | null
  epochsRun: number
  loss: Float64Array
  valLoss: Float64Array | null
  /** Final θ = (w, b) in training (standardized) units. */
  params: Float64Array
  stoppedEarly: boolean
  bestEpoch: number | null
  trainRows: number
  validationRows: number
  metrics: { train: Metrics; validation: Metrics | null } | null
  trainMs: number
}

/** Training and validation rows of one chunk, row-major and standardized as buildPart does (table/prepare.ts). */
interface ChunkParts {
  train: BackendData
  validation: BackendData
}

export async function streamedGradientDescent(input: StreamedGdInput): Promise<StreamedGdResult> {
  const { config, features, standardization: st } = input
  const started = performance.now()
  const d = features.length
  const columns = [...features, input.response]
  const split = new RowHashSplit(config.seed, config.validationFraction)
  const hasValidation = config.validationFraction > 0
  const backend = new CpuBackend(config.precision)
  const optimizer = createOptimizer(config, d, config.intercept)
  const f32 = config.precision === 'f32'
  const params = initialParams(config.init, features, config.intercept, config.seed)
  if (f32) for (let i = 0; i < params.length; i++) params[i] = Math.fround(params[i]!)
  const grad = new Float64Array(d + 1)
  const rng = new Random(config.seed + 1) // the in-memory loop's shuffle stream
  const batch = config.batchSize
  const loss = new Float64Array(config.epochs)
  const valLoss = hasValidation ? new Float64Array(config.epochs).fill(NaN) : null
  const es = config.earlyStopping
  let best = Infinity
  let bestEpoch: number | null = null
  let bestParams: Float64Array | null = null
  let sinceBest = 0
  let status: RunStatus = 'completed'
  let divergedAt: number | null = null
  let stoppedEarly = false
  let trainRows = -1
  let validationRows = -1
  let reported = 0
  let epoch = 0

  const scan = input.chunks ?? (() => input.source.scan(columns, { where: input.where, rowsPerChunk: input.rowsPerChunk }))
  const partsOf = (chunk: ScanChunk): ChunkParts => splitChunk(chunk, d, split, st)
  const step = (lr: number) => {
    optimizer.step(params, grad, lr)
    if (f32) for (let i = 0; i <= d; i++) params[i] = Math.fround(params[i]!)
  }
  /** Mean loss (and gradient into `into`) of one block at θ, through the backend. */
  const blockLoss = async (data: BackendData, theta: Float64Array, into: Float64Array | null): Promise<number> => {
    await backend.load(data, null)
    return into ? backend.lossAndGradient(theta, 0, data.rows, into) : backend.loss(theta, 'train')
  }
  const stopRequested = () => {
    input.control?.waitWhilePaused?.()
    return input.control?.cancelled() ?? false
  }
  const report = (to: number) => {
    if (to > reported) input.onEpochs?.(reported, to, { loss, valLoss }, params)
    reported = to
  }

  try {
    epochs: for (; epoch < config.epochs; epoch++) {
      if (stopRequested()) {
        status = 'cancelled'
        break
      }
      const lr = learningRateAt(config.learningRate, config.schedule, epoch, config.epochs)
      const start = params.slice() // θ that starts this epoch: the validation rows are scored here
      const sum = new Float64Array(d + 1)
      let sse = 0
      let valSse = 0
      let nTrain = 0
      let nVal = 0
      let inPass = 0
      let batchLossSum = 0
      let batches = 0
      let window: BackendData[] = []
      let diverged = false
      const flushWindow = async () => {
        const data = concatRows(window, d)
        window = []
        if (data.rows === 0 || diverged) return
        const order = identityPermutation(data.rows)
        rng.shuffle(order)
        await backend.load(data, null)
        backend.setOrder(order)
        for (let from = 0; from < data.rows; from += batch!) {
          const l = backend.lossAndGradient(params, from, Math.min(data.rows, from + batch!), grad)
          batchLossSum += l
          batches++
          if (!Number.isFinite(l)) {
            diverged = true
            return
          }
          step(lr)
        }
      }
      for await (const chunk of scan()) {
        if (stopRequested()) {
          status = 'cancelled' // the epoch was cut short: its loss is not an epoch's loss, drop it
          break epochs
        }
        const parts = partsOf(chunk)
        nTrain += parts.train.rows
        nVal += parts.validation.rows
        if (parts.validation.rows > 0) valSse += (await blockLoss(parts.validation, start, null)) * parts.validation.rows
        if (batch === null) {
          if (parts.train.rows > 0) {
            const l = await blockLoss(parts.train, params, grad)
            sse += l * parts.train.rows
            for (let j = 0; j <= d; j++) sum[j]! += grad[j]! * parts.train.rows
          }
        } else {
          window.push(parts.train)
          if (window.length >= input.shuffleChunks) await flushWindow()
        }
        inPass += chunk.rows
        input.onChunk?.(epoch, inPass)
      }
      if (batch !== null) await flushWindow()
      if (trainRows < 0) {
        trainRows = nTrain
        validationRows = nVal
        checkRows(trainRows, validationRows, hasValidation)
      } else if (nTrain !== trainRows || nVal !== validationRows) {
        throw changedWhileRead(trainRows + validationRows, nTrain + nVal)
      }
      if (valLoss && epoch > 0) {
        valLoss[epoch - 1] = valSse / nVal
        if (es && earlyStop(epoch - 1, start)) {
          params.set(start) // the state that ended epoch − 1: this pass's steps are not kept
          break
        }
      }
      let epochLoss: number
      if (batch === null) {
        epochLoss = sse / nTrain
        if (Number.isFinite(epochLoss)) {
          for (let j = 0; j <= d; j++) grad[j] = sum[j]! / nTrain
          step(lr)
        }
      } else {
        epochLoss = batchLossSum / batches
      }
      if (diverged || !Number.isFinite(epochLoss)) {
        status = 'diverged'
        divergedAt = epoch
        break
      }
      loss[epoch] = epochLoss
      const first = loss[0]!
      if (first > 0 && epochLoss > EXPLOSION_FACTOR * first) {
        status = 'diverged'
        divergedAt = epoch
        epoch++
        break
      }
      if (!params.every(Number.isFinite)) {
        status = 'diverged'
        divergedAt = epoch + 1
        epoch++
        break
      }
      // Epoch k's validation loss is known in pass k + 1: report the epochs whose both losses are known.
      report(valLoss ? epoch : epoch + 1)
    }

    const epochsRun = epoch
    let metrics: StreamedGdResult['metrics'] = null
    const usable = status !== 'diverged' && status !== 'cancelled' && params.every(Number.isFinite) && epochsRun > 0
    if (usable) {
      if (stoppedEarly && es?.restoreBest && bestParams) params.set(bestParams)
      const final = await metricsPass(params)
      if (final === null) {
        status = 'cancelled'
      } else {
        metrics = final
        if (valLoss && !stoppedEarly && final.validation) valLoss[epochsRun - 1] = final.validation.mse
      }
    }
    report(epochsRun)
    return {
      status,
      divergedAt,
      epochsRun,
      loss: loss.subarray(0, epochsRun),
      valLoss: valLoss ? valLoss.subarray(0, epochsRun) : null,
      params,
      stoppedEarly,
      bestEpoch: es ? bestEpoch : null,
      trainRows: Math.max(0, trainRows),
      validationRows: Math.max(0, validationRows),
      metrics,
      trainMs: performance.now() - started,
    }
  } finally {
    backend.dispose()
  }

  /** Early stopping on the validation loss of `k`, known now; θ after epoch k is `after`. */
  function earlyStop(k: number, after: Float64Array): boolean {
    const v = valLoss![k]!
    if (v < best - es!.minDelta) {
      best = v
      bestEpoch = k
      bestParams = after.slice()
      sinceBest = 0
      return false
    }
    if (++sinceBest < es!.patience) return false
    stoppedEarly = true
    epoch = k + 1
    return true
  }

  /** MSE, RMSE, MAE and R² of both sets at θ in one pass; null when cancelled. */
  async function metricsPass(theta: Float64Array): Promise<StreamedGdResult['metrics'] | null> {
    const w = theta.subarray(0, d)
    const b = theta[d]!
    const acc = [new MetricSums(input.responseMean), new MetricSums(input.responseMean)] as const
    let inPass = 0
    for await (const chunk of scan()) {
      if (stopRequested()) return null
      const parts = partsOf(chunk)
      acc[0].add(parts.train, w, b, d)
      acc[1].add(parts.validation, w, b, d)
      inPass += chunk.rows
      input.onChunk?.(config.epochs, inPass)
    }
    return { train: acc[0].metrics(), validation: hasValidation && acc[1].n > 0 ? acc[1].metrics() : null }
  }
}

/** Σr², Σ|r|, and the response's sums around a fixed shift c (Σ(y − c)² − n(ȳ − c)² loses nothing when c ≈ ȳ). */
class MetricSums {
  n = 0
  private sse = 0
  private sae = 0
  private sy = 0
  private syy = 0
  constructor(private readonly shift: number) {}

  add(part: BackendData, w: Float64Array, b: number, d: number): void {
    const { X, y } = part
    for (let i = 0; i < part.rows; i++) {
      let p = b
      for (let j = 0; j < d; j++) p += X[i * d + j]! * w[j]!
      const r = p - y[i]!
      this.sse += r * r
      this.sae += Math.abs(r)
      const c = y[i]! - this.shift
      this.sy += c
      this.syy += c * c
    }
    this.n += part.rows
  }

  metrics(): Metrics {
    const mse = this.sse / this.n
    const sst = this.syy - (this.sy * this.sy) / this.n
    return { mse, rmse: Math.sqrt(mse), mae: this.sae / this.n, r2: sst > 0 ? 1 - this.sse / sst : NaN }
  }
}

function splitChunk(chunk: ScanChunk, d: number, split: RowHashSplit, st: Standardization | null): ChunkParts {
  const m = chunk.rows
  const held = new Uint8Array(m)
  let nVal = 0
  if (split.fraction > 0) {
    for (let i = 0; i < m; i++) {
      if (split.heldOut(chunk.firstRow + i)) {
        held[i] = 1
        nVal++
      }
    }
  }
  const parts = [rowMajor(m - nVal, d), rowMajor(nVal, d)] as const
  const at = new Uint32Array(2)
  const y = chunk.columns[d]!
  for (let i = 0; i < m; i++) {
    const s = held[i]!
    parts[s]!.y[at[s]!] = y[i]!
    at[s]!++
  }
  for (let j = 0; j < d; j++) {
    const col = chunk.columns[j]!
    const mean = st ? st.mean[j]! : 0
    const scale = st ? st.scale[j]! : 1
    at[0] = 0
    at[1] = 0
    for (let i = 0; i < m; i++) {
      const s = held[i]!
      parts[s]!.X[at[s]! * d + j] = (col[i]! - mean) / scale
      at[s]!++
    }
  }
  return { train: parts[0], validation: parts[1] }
}

function rowMajor(rows: number, d: number): BackendData & { X: Float64Array; y: Float64Array } {
  return { X: new Float64Array(rows * d), y: new Float64Array(rows), rows, features: d }
}

function concatRows(blocks: readonly BackendData[], d: number): BackendData {
  const rows = blocks.reduce((n, b) => n + b.rows, 0)
  const out = rowMajor(rows, d)
  let at = 0
  for (const b of blocks) {
    out.X.set(b.X, at * d)
    out.y.set(b.y, at)
    at += b.rows
  }
  return out
}

function checkRows(train: number, validation: number, hasValidation: boolean): void {
  if (train === 0) throw new InputError('The linked data have no training rows.', 'Widen the --where filter, or lower --validation-fraction.')
  if (hasValidation && validation === 0) throw new InputError('The validation split of the linked data is empty.', 'Raise --validation-fraction, or use more rows.')
}

function changedWhileRead(before: number, now: number): InputError {
  return new InputError(`The linked data changed while it was read: ${before} rows in the first pass, ${now} in a later one.`, 'Leave the files unchanged during training, then train again.')
}
