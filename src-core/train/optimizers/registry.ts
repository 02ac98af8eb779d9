import type { TrainConfig } from '../config'
import { adagrad } from './adagrad'
import { adam, adamw } from './adam'
import type { Optimizer, OptimizerModule, OptimizerSetting } from './optimizer'
import { rmsprop } from './rmsprop'
import { sgd } from './sgd'

/**
 * Every optimizer Slope offers, in the order the app lists them. Adding one is its module (the
 * shape in optimizer.ts: hyperparameters, torch-exact step, PyTorch reference arguments) and one
 * line here; everything that names optimizers derives its list from this object.
 */
const registry = {
  sgd,
  adam,
  adamw,
  rmsprop,
  adagrad,
} satisfies { [K in string]: OptimizerModule<K> }

export type OptimizerName = keyof typeof registry
export const optimizerNames = Object.keys(registry) as [OptimizerName, ...OptimizerName[]]
export const optimizerModules: readonly OptimizerModule<OptimizerName>[] = Object.values(registry)

export function optimizerModule(name: OptimizerName): OptimizerModule<OptimizerName> {
  return registry[name]
}

/** The proper name of a stored run's optimizer ("RMSprop"); an unknown name (a newer Slope's) as it is. */
export function optimizerLabel(name: string): string {
  return Object.hasOwn(registry, name) ? registry[name as OptimizerName].label : name
}

/** Every config field some optimizer reads (the union of their `settings`), in first-use order. */
export const optimizerSettings: readonly OptimizerSetting[] = [...new Set(optimizerModules.flatMap((m) => m.settings))]

/** The optimizers that read a setting, for help texts: "SGD, RMSprop". */
export function optimizersUsing(setting: OptimizerSetting): OptimizerModule<OptimizerName>[] {
  return optimizerModules.filter((m) => m.settings.includes(setting))
}

/**
 * @param weights number of weights (d); the bias is params[d]
 * @param trainBias false without an intercept: the bias stays exactly 0
 */
export function createOptimizer(config: TrainConfig, weights: number, trainBias: boolean): Optimizer {
  return optimizerModule(config.optimizer).create(config, { trainable: weights + (trainBias ? 1 : 0), decayed: weights })
}
