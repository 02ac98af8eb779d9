/**
 * What every optimizer module declares. Adding an optimizer is one module of this shape plus one
 * line in `registry.ts`; the config schema, the CLI's flags and --help, the Train tab's fields, the
 * sweep dialog, the comparison's labels and the model file's documentation all read it from there.
 */
export interface Optimizer {
  /** θ ← update(θ, ∇, lr); only the trainable entries change (the bias stays 0 without an intercept). */
  step(params: Float64Array, grad: Float64Array, lr: number): void
}

/**
 * Parameter layout every optimizer sees: θ = [w₁ … w_d, b]. The bias sits in its own parameter group
 * with weight_decay = 0 (the usual practice, and what the PyTorch reference does), so decay — L2 or
 * decoupled — touches the first `decayed` entries only.
 */
export interface ParameterGroups {
  /** Entries that change: d weights, plus the bias when an intercept is fitted. */
  trainable: number
  /** Entries weight decay applies to: the d weights. */
  decayed: number
}

/**
 * The config fields optimizers read (declared as settings in settings.ts, which the compiler keeps in
 * step with this list). Typed here, not taken from TrainConfig, because TrainConfig's optimizer field
 * is itself derived from the registry of these modules.
 */
export interface OptimizerHyperparameters {
  momentum: number
  dampening: number
  nesterov: boolean
  weightDecay: number
  beta1: number
  beta2: number
  eps: number
  amsgrad: boolean
  alpha: number
  centered: boolean
  lrDecay: number
  initialAccumulator: number
}

export type OptimizerSetting = keyof OptimizerHyperparameters

export interface OptimizerModule<Name extends string = string> {
  name: Name
  /** Proper name, the same in every language: "RMSprop". */
  label: string
  /** The PyTorch class whose update this reproduces, for documentation: "torch.optim.RMSprop". */
  torchClass: string
  /** The hyperparameters it uses, in display order. Every other optimizer field is ignored. */
  settings: readonly OptimizerSetting[]
  /** Defaults that differ from the setting's general default (torch.optim's own: Adagrad's eps 1e-10). */
  defaults: Partial<OptimizerHyperparameters>
  /**
   * Weight decay as L2 added to the gradient (torch.optim's `weight_decay` for SGD, Adam, RMSprop,
   * Adagrad) or decoupled (AdamW's θ ← θ(1 − lr·λ)). The learning-rate oracle treats L2 as curvature.
   */
  weightDecay: 'l2' | 'decoupled'
  /** Adaptive step sizes (per-coordinate scaling): no stable learning rate can be claimed from the Hessian alone. */
  adaptive: boolean
  /** The keyword arguments of `torchClass` for this config (weight_decay excluded: it is per group). */
  torchKwargs(config: OptimizerHyperparameters): Record<string, number | boolean | number[]>
  create(config: OptimizerHyperparameters, groups: ParameterGroups): Optimizer
}

/** Typed identity: checks a module against the interface while keeping its literal name. */
export function defineOptimizer<Name extends string>(module: OptimizerModule<Name>): OptimizerModule<Name> {
  return module
}
