import type { ComputeBackend } from '../backends/backend'
import { Random, identityPermutation } from '../random'
import type { TrainConfig } from './config'
import { createOptimizer } from './optimizers/registry'
import { PathRecorder, type ParamPath } from './param-path'
import { learningRateAt } from './schedules'

/** How a training loop ends; a stored run has these and the states around them (contract.ts runStatuses). */
export const loopOutcomes = ['completed', 'diverged', 'cancelled'] as const
export type RunStatus = (typeof loopOutcomes)[number]

/** How the host steers a running loop: a cancel flag read between steps (e.g. from a SharedArrayBuffer). */
export interface RunControl {
  cancelled(): boolean
  /** Blocks while the host has paused the run (a worker can block; see Atomics.wait). */
  waitWhilePaused?(): void
}

export interface LoopHooks {
  control?: RunControl
  /**
   * Called with the epochs [from, to) whose losses were just written into the result's history.
   * At most every `progressEveryMs` (and once at the end), so a million epochs do not flood the host.
   */
  onProgress?: (from: number, to: number, history: LossHistory, params: Float64Array) => void
  progressEveryMs?: number
  clock?: () => number
}

export interface LossHistory {
  /** loss[k]: training loss of epoch k (see DESIGN.md "Training semantics"). */
  loss: Float64Array
  /** valLoss[k]: validation loss after epoch k; null without a validation set. */
  valLoss: Float64Array | null
}

export interface LoopResult extends LossHistory {
  status: RunStatus
  /** The epoch the divergence rule fired (the first non-finite loss, or the growth rules above); null unless diverged. */
  divergedAt: number | null
  epochsRun: number
  /** Final θ = (w, b) in the backend's (standardized) units; the best ones when restored. */
  params: Float64Array
  stoppedEarly: boolean
  /** Epoch with the lowest validation loss (early stopping), else null. */
  bestEpoch: number | null
  trainMs: number
  /** θ after each epoch, thinned (see PathRecorder); only for models with at most two features. */
  path: ParamPath | null
}

/**
 * When a finite loss counts as diverged (documented in README "Training semantics", tested both sides):
 * - it exceeds EXPLOSION_FACTOR × the first epoch's loss — 10 orders of magnitude, which no converging
 *   run of a quadratic climbs on its way down (a stable iteration's transient is a small multiple);
 * - or the learning-rate oracle proved the rate unstable (full-batch SGD at a constant rate above
 *   lr_max_stable) and the loss has grown for UNSTABLE_GROWTH_EPOCHS epochs in a row above its start:
 *   the growth is the instability itself, not a transient.
 * Either way `divergedAt` is the epoch the rule fired, and the history up to it is kept.
 */
export const EXPLOSION_FACTOR = 1e10
export const UNSTABLE_GROWTH_EPOCHS = 10

/** Models small enough to draw their loss surface record the path θ takes. */
export const PATH_MAX_FEATURES = 2

/** Batches between cancel checks inside one long mini-batch epoch. */
const CHECK_EVERY_BATCHES = 1024

/**
 * The training loop, written once for every backend. Full batch: the loss of epoch k is computed at
 * the parameters that start epoch k, then the step is taken (the tutorial's order). Mini-batch:
 * rows shuffled each epoch by a seeded permutation; the epoch's loss is the mean of its batch
 * losses. Validation loss is computed after the epoch's update(s).
 */
export function runTrainingLoop(
  backend: ComputeBackend,
  config: TrainConfig,
  /** `unstableRate`: the oracle proved this full-batch, constant-rate SGD run cannot converge. */
  dims: { features: number; trainRows: number; hasValidation: boolean; unstableRate?: boolean },
  initialParams: Float64Array,
  hooks: LoopHooks = {},
): LoopResult {
  const d = dims.features
  const n = dims.trainRows
  const clock = hooks.clock ?? (() => performance.now())
  const started = clock()
  const params = initialParams.slice()
  const grad = new Float64Array(d + 1)
  const optimizer = createOptimizer(config, d, config.intercept)
  const f32 = config.precision === 'f32'
  const batch = config.batchSize === null || config.batchSize >= n ? n : config.batchSize
  const miniBatch = batch < n
  const order = miniBatch ? identityPermutation(n) : null
  const rng = new Random(config.seed + 1) // +1: a stream apart from the split's and the init's
  const loss = new Float64Array(config.epochs)
  const valLoss = dims.hasValidation ? new Float64Array(config.epochs) : null
  const history: LossHistory = { loss, valLoss }
  const es = config.earlyStopping
  let best = Infinity
  let bestEpoch: number | null = null
  let bestParams: Float64Array | null = null
  let sinceBest = 0
  let status: RunStatus = 'completed'
  let divergedAt: number | null = null
  let stoppedEarly = false
  let epoch = 0
  let growing = 0
  let reported = 0
  let lastReport = started
  const everyMs = hooks.progressEveryMs ?? 50
  const path = d <= PATH_MAX_FEATURES ? new PathRecorder() : null

  const step = (lr: number): void => {
    optimizer.step(params, grad, lr)
    if (f32) for (let i = 0; i <= d; i++) params[i] = Math.fround(params[i]!)
  }

  for (; epoch < config.epochs; epoch++) {
    hooks.control?.waitWhilePaused?.()
    if (hooks.control?.cancelled()) {
      status = 'cancelled'
      break
    }
    const lr = learningRateAt(config.learningRate, config.schedule, epoch, config.epochs)
    let epochLoss: number
    if (!miniBatch) {
      epochLoss = backend.lossAndGradient(params, 0, n, grad)
      if (Number.isFinite(epochLoss)) step(lr)
    } else {
      rng.shuffle(order!)
      backend.setOrder(order)
      let sum = 0
      let batches = 0
      for (let start = 0; start < n; start += batch) {
        const l = backend.lossAndGradient(params, start, Math.min(n, start + batch), grad)
        sum += l
        batches++
        if (!Number.isFinite(l)) break
        step(lr)
        if (batches % CHECK_EVERY_BATCHES === 0 && hooks.control?.cancelled()) break
      }
      epochLoss = sum / batches
      if (Number.isFinite(epochLoss) && hooks.control?.cancelled()) {
        status = 'cancelled' // the epoch was cut short: its loss is not an epoch's loss, drop it
        break
      }
    }
    if (!Number.isFinite(epochLoss)) {
      status = 'diverged'
      divergedAt = epoch
      break
    }
    loss[epoch] = epochLoss
    path?.record(epoch, params)
    growing = epoch > 0 && epochLoss > loss[epoch - 1]! ? growing + 1 : 0
    const first = loss[0]!
    if (first > 0 && (epochLoss > EXPLOSION_FACTOR * first || (dims.unstableRate && growing >= UNSTABLE_GROWTH_EPOCHS && epochLoss > first))) {
      status = 'diverged'
      divergedAt = epoch
      epoch++ // this epoch's loss is finite: it stays in the history
      break
    }
    if (!allFinite(params)) {
      // This epoch's loss was finite but its step overflowed: the next epoch's loss is the first lost.
      status = 'diverged'
      divergedAt = epoch + 1
      epoch++
      break
    }
    if (valLoss) {
      const v = backend.loss(params, 'validation')
      valLoss[epoch] = v
      if (es) {
        if (v < best - es.minDelta) {
          best = v
          bestEpoch = epoch
          bestParams = params.slice()
          sinceBest = 0
        } else if (++sinceBest >= es.patience) {
          stoppedEarly = true
          epoch++
          break
        }
      }
    }
    if (hooks.onProgress && epoch + 1 - reported > 0) {
      const now = clock()
      if (now - lastReport >= everyMs) {
        hooks.onProgress(reported, epoch + 1, history, params)
        reported = epoch + 1
        lastReport = now
      }
    }
  }

  const epochsRun = epoch
  if (hooks.onProgress && epochsRun > reported) hooks.onProgress(reported, epochsRun, history, params)
  if (stoppedEarly && es?.restoreBest && bestParams) params.set(bestParams)
  return {
    status,
    divergedAt,
    epochsRun,
    loss: loss.subarray(0, epochsRun),
    valLoss: valLoss ? valLoss.subarray(0, epochsRun) : null,
    params,
    stoppedEarly,
    bestEpoch: es ? bestEpoch : null,
    trainMs: clock() - started,
    path: path ? path.path() : null,
  }
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false
  return true
}
