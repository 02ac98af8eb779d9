import type { TrainConfig } from './config'

/**
 * Parameter updates with torch.optim's exact definitions (PyTorch 2.x docs, "Algorithm" boxes of
 * SGD and Adam), so a run here and the same run in PyTorch follow the same sequence.
 * Weight decay is L2 added to the gradient (g ← g + λθ), applied to the weights only: the bias
 * sits in its own parameter group with weight_decay = 0, the usual practice.
 */
export interface Optimizer {
  /** θ ← update(θ, ∇, lr); only the first `trainable` entries change. */
  step(params: Float64Array, grad: Float64Array, lr: number): void
}

/**
 * @param weights number of weights (d); the bias is params[d]
 * @param trainBias false without an intercept: the bias stays exactly 0
 */
export function createOptimizer(config: TrainConfig, weights: number, trainBias: boolean): Optimizer {
  const trainable = weights + (trainBias ? 1 : 0)
  return config.optimizer === 'adam'
    ? new Adam(trainable, weights, config.beta1, config.beta2, config.eps, config.weightDecay)
    : new Sgd(trainable, weights, config.momentum, config.dampening, config.nesterov, config.weightDecay)
}

export class Sgd implements Optimizer {
  private readonly buffer: Float64Array
  private started = false

  constructor(
    private readonly trainable: number,
    private readonly decayed: number,
    private readonly momentum: number,
    private readonly dampening: number,
    private readonly nesterov: boolean,
    private readonly weightDecay: number,
  ) {
    this.buffer = new Float64Array(trainable)
  }

  step(params: Float64Array, grad: Float64Array, lr: number): void {
    const { momentum, dampening, nesterov, weightDecay, buffer } = this
    for (let i = 0; i < this.trainable; i++) {
      let g = grad[i]!
      if (weightDecay !== 0 && i < this.decayed) g += weightDecay * params[i]!
      if (momentum !== 0) {
        // torch: the first step initializes the buffer with g itself (no dampening applied).
        buffer[i] = this.started ? momentum * buffer[i]! + (1 - dampening) * g : g
        g = nesterov ? g + momentum * buffer[i]! : buffer[i]!
      }
      params[i]! -= lr * g
    }
    this.started = true
  }
}

export class Adam implements Optimizer {
  private readonly m: Float64Array
  private readonly v: Float64Array
  private t = 0

  constructor(
    private readonly trainable: number,
    private readonly decayed: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly eps: number,
    private readonly weightDecay: number,
  ) {
    this.m = new Float64Array(trainable)
    this.v = new Float64Array(trainable)
  }

  step(params: Float64Array, grad: Float64Array, lr: number): void {
    const { beta1, beta2, eps, weightDecay, m, v } = this
    this.t++
    const biasCorrection1 = 1 - beta1 ** this.t
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** this.t)
    const stepSize = lr / biasCorrection1
    for (let i = 0; i < this.trainable; i++) {
      let g = grad[i]!
      if (weightDecay !== 0 && i < this.decayed) g += weightDecay * params[i]!
      m[i] = beta1 * m[i]! + (1 - beta1) * g
      v[i] = beta2 * v[i]! + (1 - beta2) * (g * g)
      // torch's single-tensor Adam: denom = √v / √(1 − β₂ᵗ) + ε; θ −= (lr / (1 − β₁ᵗ)) · m / denom
      const denom = Math.sqrt(v[i]!) / biasCorrection2Sqrt + eps
      params[i]! -= (stepSize * m[i]!) / denom
    }
  }
}
