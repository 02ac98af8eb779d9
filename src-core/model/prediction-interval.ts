import { InputError } from '../errors'
import type { ModelDocument } from '../model-file'
import { studentTQuantileTwoSided } from './distributions'

export const intervalKinds = ['confidence', 'prediction'] as const
export type IntervalKind = (typeof intervalKinds)[number]

/**
 * Intervals around a prediction ŷ₀ = x₀ᵀβ from what the model file carries (statsmodels'
 * get_prediction().conf_int(obs=…)): with x₀ = [1, x] in the file's `statistics.covariance.terms`
 * order and C its `chosen` covariance, se_mean = √(x₀ᵀCx₀);
 *   confidence: ŷ₀ ± t·se_mean          (where the mean of y at x₀ lies)
 *   prediction: ŷ₀ ± t·√(se_mean² + s²)  (where one new observation lies; s = residual_sd)
 * with t the two-sided quantile of Student t on df_residual.
 */
export interface IntervalModel {
  /** Per feature, in `features` order, then the intercept's slot handled by `intercept`. */
  covariance: number[][]
  terms: string[]
  residualSd: number
  tQuantile: number
}

export function intervalModel(document: ModelDocument, level: number): IntervalModel {
  const s = document.statistics
  if (!s) {
    throw new InputError(
      'This model was fitted by gradient descent, so it has no intervals: its parameters are not the least-squares estimate the intervals assume.',
      'Train the same data with --solver lstsq (the exact fit) and predict with that model.',
    )
  }
  if (!s.covariance || s.residual_sd === null) {
    throw new InputError('This model file has no coefficient covariance, which intervals need (written by an older Slope, or more than 100 terms).', 'Re-export the model from the current Slope.')
  }
  if (!(level > 0 && level < 1)) throw new InputError(`The interval level must be above 0 and below 1 (got ${level}).`, 'Use e.g. --level 0.95.')
  return { covariance: s.covariance.chosen, terms: s.covariance.terms, residualSd: s.residual_sd, tQuantile: studentTQuantileTwoSided(1 - level, s.df_residual) }
}

/** [lower, upper] around `predicted` for one row; `x` maps each term but "(intercept)" to its value. */
export function intervalAt(m: IntervalModel, kind: IntervalKind, predicted: number, x: (term: string) => number): [number, number] {
  const x0 = m.terms.map((t) => (t === '(intercept)' ? 1 : x(t)))
  let v = 0
  for (let j = 0; j < x0.length; j++) for (let k = 0; k < x0.length; k++) v += x0[j]! * m.covariance[j]![k]! * x0[k]!
  if (kind === 'prediction') v += m.residualSd ** 2
  const half = m.tQuantile * Math.sqrt(v)
  return [predicted - half, predicted + half]
}
