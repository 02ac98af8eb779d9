import { defineOptimizer, type Optimizer, type ParameterGroups } from './optimizer'

/**
 * torch.optim.RMSprop (PyTorch 1.13 single-tensor code; the docs' "Algorithm" box):
 *   g ← g + λθ;  v ← αv + (1 − α)g²;  centered: ḡ ← αḡ + (1 − α)g, v′ = v − ḡ²
 *   a = √v′ + ε;  momentum: b ← μb + g/a, θ ← θ − lr·b;  else θ ← θ − lr·g/a
 * (ε is added after the square root, as torch does; Hinton's lecture adds it inside.)
 */
export class RmsProp implements Optimizer {
  private readonly squareAvg: Float64Array
  private readonly gradAvg: Float64Array | null
  private readonly buffer: Float64Array | null

  constructor(
    private readonly groups: ParameterGroups,
    private readonly options: { alpha: number; eps: number; momentum: number; centered: boolean; weightDecay: number },
  ) {
    this.squareAvg = new Float64Array(groups.trainable)
    this.gradAvg = options.centered ? new Float64Array(groups.trainable) : null
    this.buffer = options.momentum > 0 ? new Float64Array(groups.trainable) : null
  }

  step(params: Float64Array, grad: Float64Array, lr: number): void {
    const { alpha, eps, momentum, weightDecay } = this.options
    const { squareAvg, gradAvg, buffer } = this
    for (let i = 0; i < this.groups.trainable; i++) {
      let g = grad[i]!
      if (weightDecay !== 0 && i < this.groups.decayed) g += weightDecay * params[i]!
      squareAvg[i] = alpha * squareAvg[i]! + (1 - alpha) * (g * g)
      let variance = squareAvg[i]!
      if (gradAvg) {
        gradAvg[i] = alpha * gradAvg[i]! + (1 - alpha) * g
        variance -= gradAvg[i]! * gradAvg[i]!
      }
      const avg = Math.sqrt(variance) + eps
      if (buffer) {
        buffer[i] = momentum * buffer[i]! + g / avg
        params[i]! -= lr * buffer[i]!
      } else {
        params[i]! -= (lr * g) / avg
      }
    }
  }
}

export const rmsprop = defineOptimizer({
  name: 'rmsprop',
  label: 'RMSprop',
  torchClass: 'torch.optim.RMSprop',
  settings: ['alpha', 'eps', 'momentum', 'centered', 'weightDecay'],
  defaults: {},
  weightDecay: 'l2',
  adaptive: true,
  torchKwargs: (c) => ({ alpha: c.alpha, eps: c.eps, momentum: c.momentum, centered: c.centered }),
  create: (c, groups) => new RmsProp(groups, { alpha: c.alpha, eps: c.eps, momentum: c.momentum, centered: c.centered, weightDecay: c.weightDecay }),
})
