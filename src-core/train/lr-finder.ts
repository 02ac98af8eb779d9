import type { ComputeBackend } from '../backends/backend'
import { Random, identityPermutation } from '../random'
import type { TrainConfig } from './config'
import { createOptimizer } from './optimizers/registry'

export interface LrFinderOptions {
  minLr: number
  maxLr: number
  steps: number
}

export interface LrFinderOutcome {
  learningRates: Float64Array
  /** Smoothed loss after each step (bias-corrected exponential moving average, β = 0.98). */
  losses: Float64Array
  suggestion: number | null
  stoppedBecause: 'diverged' | 'max-lr'
}

/**
 * The learning-rate range test (Smith 2017, "Cyclical Learning Rates", §3.3; fast.ai's lr_find):
 * train from the initial parameters for `steps` mini-batches while the learning rate grows
 * exponentially from minLr to maxLr, record the smoothed loss, stop once it exceeds 4× the best
 * (or is not finite). The suggestion is the rate where the smoothed loss falls fastest per unit of
 * log learning rate — fast.ai's "steep" suggestion.
 */
export function findLearningRate(
  backend: ComputeBackend,
  config: TrainConfig,
  dims: { features: number; trainRows: number },
  initialParams: Float64Array,
  options: LrFinderOptions,
): LrFinderOutcome {
  const { features: d, trainRows: n } = dims
  const params = initialParams.slice()
  const grad = new Float64Array(d + 1)
  const optimizer = createOptimizer(config, d, config.intercept)
  const batch = Math.min(n, config.batchSize ?? Math.min(n, 64))
  const order = identityPermutation(n)
  const rng = new Random(config.seed + 1)
  const lrs: number[] = []
  const losses: number[] = []
  const ratio = options.maxLr / options.minLr
  let smoothed = 0
  let best = Infinity
  let position = n // forces a shuffle on the first step
  let stoppedBecause: LrFinderOutcome['stoppedBecause'] = 'max-lr'
  for (let step = 0; step < options.steps; step++) {
    if (position + batch > n) {
      rng.shuffle(order)
      backend.setOrder(order)
      position = 0
    }
    const lr = options.minLr * ratio ** (step / Math.max(1, options.steps - 1))
    const loss = backend.lossAndGradient(params, position, position + batch, grad)
    position += batch
    if (!Number.isFinite(loss)) {
      stoppedBecause = 'diverged'
      break
    }
    smoothed = 0.98 * smoothed + 0.02 * loss
    const corrected = smoothed / (1 - 0.98 ** (step + 1))
    lrs.push(lr)
    losses.push(corrected)
    if (corrected < best) best = corrected
    if (step > 0 && corrected > 4 * best) {
      stoppedBecause = 'diverged'
      break
    }
    optimizer.step(params, grad, lr)
  }
  return { learningRates: Float64Array.from(lrs), losses: Float64Array.from(losses), suggestion: steepest(lrs, losses), stoppedBecause }
}

/**
 * The learning rate where the smoothed loss falls fastest against log(lr): fast.ai's "steep"
 * suggestion (np.gradient of the losses, skipping the first 10 and last 5 points, where the
 * moving average is still warming up or the loss is already exploding). Null if it never falls.
 */
function steepest(lrs: number[], losses: number[]): number | null {
  const start = Math.min(10, Math.floor(losses.length / 4))
  const end = losses.length - Math.min(5, Math.floor(losses.length / 8))
  let bestSlope = 0
  let at: number | null = null
  for (let i = Math.max(start, 1); i < end - 1; i++) {
    // central difference; learning rates are equally spaced in log, so per-index slope suffices
    const slope = (losses[i + 1]! - losses[i - 1]!) / 2
    if (slope < bestSlope) {
      bestSlope = slope
      at = lrs[i]!
    }
  }
  return at
}
