import { InputError } from '../errors'
import { Random } from '../random'
import type { InitConfig } from './config'

/**
 * Starting θ = (w, b) in training units (standardized features when standardization is on).
 * 'random' draws U(−1/√d, 1/√d) for weights and bias, the bound torch.nn.Linear uses, from the
 * run's seed; without an intercept the bias is 0 whatever the init.
 */
export function initialParams(init: InitConfig, features: readonly string[], intercept: boolean, seed: number): Float64Array {
  const d = features.length
  const params = new Float64Array(d + 1)
  if (init.kind === 'random') {
    const rng = new Random(seed + 2) // +2: a stream apart from the split (seed) and the shuffle (seed + 1)
    const bound = 1 / Math.sqrt(d)
    for (let i = 0; i <= d; i++) params[i] = rng.uniform(-bound, bound)
  } else if (init.kind === 'explicit') {
    if (init.weights.length !== d) {
      throw new InputError(
        `${init.weights.length} initial weight${init.weights.length === 1 ? '' : 's'} given for ${d} feature${d === 1 ? '' : 's'} (${features.join(', ')}).`,
        'Give one initial weight per feature, in the order of the features ({0}).',
        {},
        [{ setting: 'init', value: 'explicit' }],
      )
    }
    params.set(init.weights)
    params[d] = init.bias
  }
  if (!intercept) params[d] = 0
  return params
}
