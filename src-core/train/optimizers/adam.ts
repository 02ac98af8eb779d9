import { defineOptimizer, type Optimizer, type ParameterGroups } from './optimizer'

export interface AdamOptions {
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
  amsgrad: boolean
  /** AdamW: θ ← θ(1 − lr·λ) before the step instead of λθ in the gradient. */
  decoupled: boolean
}

/**
 * torch.optim.Adam and torch.optim.AdamW (PyTorch 1.13 single-tensor code; the docs' "Algorithm"
 * boxes): one class, since they differ only in where the weight decay enters.
 *   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  v̂max ← max(v̂max, v) (amsgrad)
 *   θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 */
export class Adam implements Optimizer {
  private readonly m: Float64Array
  private readonly v: Float64Array
  private readonly vMax: Float64Array | null
  private t = 0

  constructor(
    private readonly groups: ParameterGroups,
    private readonly options: AdamOptions,
  ) {
    this.m = new Float64Array(groups.trainable)
    this.v = new Float64Array(groups.trainable)
    this.vMax = options.amsgrad ? new Float64Array(groups.trainable) : null
  }

  step(params: Float64Array, grad: Float64Array, lr: number): void {
    const { beta1, beta2, eps, weightDecay, decoupled } = this.options
    const { m, v, vMax } = this
    this.t++
    const biasCorrection1 = 1 - beta1 ** this.t
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** this.t)
    const stepSize = lr / biasCorrection1
    for (let i = 0; i < this.groups.trainable; i++) {
      let g = grad[i]!
      if (weightDecay !== 0 && i < this.groups.decayed) {
        if (decoupled) params[i]! *= 1 - lr * weightDecay
        else g += weightDecay * params[i]!
      }
      m[i] = beta1 * m[i]! + (1 - beta1) * g
      v[i] = beta2 * v[i]! + (1 - beta2) * (g * g)
      let second = v[i]!
      if (vMax) second = vMax[i] = Math.max(vMax[i]!, second)
      // torch: denom = √v / √(1 − β₂ᵗ) + ε; θ −= (lr / (1 − β₁ᵗ)) · m / denom
      const denom = Math.sqrt(second) / biasCorrection2Sqrt + eps
      params[i]! -= (stepSize * m[i]!) / denom
    }
  }
}

const adamKwargs = (c: { beta1: number; beta2: number; eps: number; amsgrad: boolean }) => ({ betas: [c.beta1, c.beta2], eps: c.eps, amsgrad: c.amsgrad })

export const adam = defineOptimizer({
  name: 'adam',
  label: 'Adam',
  torchClass: 'torch.optim.Adam',
  settings: ['beta1', 'beta2', 'eps', 'amsgrad', 'weightDecay'],
  defaults: {},
  weightDecay: 'l2',
  adaptive: true,
  torchKwargs: adamKwargs,
  create: (c, groups) => new Adam(groups, { beta1: c.beta1, beta2: c.beta2, eps: c.eps, weightDecay: c.weightDecay, amsgrad: c.amsgrad, decoupled: false }),
})

export const adamw = defineOptimizer({
  name: 'adamw',
  label: 'AdamW',
  torchClass: 'torch.optim.AdamW',
  settings: ['beta1', 'beta2', 'eps', 'amsgrad', 'weightDecay'],
  // torch.optim.AdamW's default; with 0 it is Adam.
  defaults: { weightDecay: 0.01 },
  weightDecay: 'decoupled',
  adaptive: true,
  torchKwargs: adamKwargs,
  create: (c, groups) => new Adam(groups, { beta1: c.beta1, beta2: c.beta2, eps: c.eps, weightDecay: c.weightDecay, amsgrad: c.amsgrad, decoupled: true }),
})
