import { defineOptimizer, type Optimizer, type ParameterGroups } from './optimizer'

/**
 * torch.optim.Adagrad (PyTorch 1.13 single-tensor code; the docs' "Algorithm" box):
 *   g ← g + λθ;  lr′ = lr / (1 + (t − 1)·η);  s ← s + g²  (s starts at the initial accumulator value)
 *   θ ← θ − lr′ · g / (√s + ε)
 */
export class Adagrad implements Optimizer {
  private readonly sum: Float64Array
  private t = 0

  constructor(
    private readonly groups: ParameterGroups,
    private readonly options: { lrDecay: number; initialAccumulator: number; eps: number; weightDecay: number },
  ) {
    this.sum = new Float64Array(groups.trainable).fill(options.initialAccumulator)
  }

  step(params: Float64Array, grad: Float64Array, lr: number): void {
    const { lrDecay, eps, weightDecay } = this.options
    const { sum } = this
    this.t++
    const clr = lr / (1 + (this.t - 1) * lrDecay)
    for (let i = 0; i < this.groups.trainable; i++) {
      let g = grad[i]!
      if (weightDecay !== 0 && i < this.groups.decayed) g += weightDecay * params[i]!
      sum[i] = sum[i]! + g * g
      params[i]! -= (clr * g) / (Math.sqrt(sum[i]!) + eps)
    }
  }
}

export const adagrad = defineOptimizer({
  name: 'adagrad',
  label: 'Adagrad',
  torchClass: 'torch.optim.Adagrad',
  settings: ['lrDecay', 'initialAccumulator', 'eps', 'weightDecay'],
  // torch.optim.Adagrad's default ε is 1e-10 (Adam's and RMSprop's 1e-8).
  defaults: { eps: 1e-10 },
  weightDecay: 'l2',
  adaptive: true,
  torchKwargs: (c) => ({ lr_decay: c.lrDecay, initial_accumulator_value: c.initialAccumulator, eps: c.eps }),
  create: (c, groups) => new Adagrad(groups, { lrDecay: c.lrDecay, initialAccumulator: c.initialAccumulator, eps: c.eps, weightDecay: c.weightDecay }),
})
