import { defineOptimizer, type Optimizer, type ParameterGroups } from './optimizer'

/**
 * torch.optim.SGD (PyTorch docs, "Algorithm" box; the 1.13 single-tensor code path):
 *   g ← g + λθ;  b ← μb + (1 − τ)g  (the first step sets b ← g);  g ← g + μb (Nesterov) or b;  θ ← θ − lr·g
 */
export class Sgd implements Optimizer {
  private readonly buffer: Float64Array
  private started = false

  constructor(
    private readonly groups: ParameterGroups,
    private readonly options: { momentum: number; dampening: number; nesterov: boolean; weightDecay: number },
  ) {
    this.buffer = new Float64Array(groups.trainable)
  }

  step(params: Float64Array, grad: Float64Array, lr: number): void {
    const { momentum, dampening, nesterov, weightDecay } = this.options
    const { buffer } = this
    for (let i = 0; i < this.groups.trainable; i++) {
      let g = grad[i]!
      if (weightDecay !== 0 && i < this.groups.decayed) g += weightDecay * params[i]!
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

export const sgd = defineOptimizer({
  name: 'sgd',
  label: 'SGD',
  torchClass: 'torch.optim.SGD',
  settings: ['momentum', 'dampening', 'nesterov', 'weightDecay'],
  defaults: {},
  weightDecay: 'l2',
  adaptive: false,
  torchKwargs: (c) => ({ momentum: c.momentum, dampening: c.dampening, nesterov: c.nesterov }),
  create: (c, groups) => new Sgd(groups, { momentum: c.momentum, dampening: c.dampening, nesterov: c.nesterov, weightDecay: c.weightDecay }),
})
