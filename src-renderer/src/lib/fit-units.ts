import type { ExactReference } from '../../../src-core/train/fit-model'
import { unstandardize, type Standardization } from '../../../src-core/table/standardize'

/** A linear model in original units: ŷ = intercept + Σ weights[j]·x[j]. */
export interface OriginalModel {
  weights: number[]
  intercept: number
}

/**
 * θ = (w₀…w_{d−1}, b) as training sees it (standardized features when the run standardized) in the
 * data's own units: w = w_z / scale, b = b_z − Σ w·mean. Without standardization θ already is in
 * original units. Runs store θ with a bias entry even without an intercept (it stays 0).
 */
export function toOriginalUnits(theta: ArrayLike<number>, features: number, standardization: Standardization | null): OriginalModel {
  const weights = Array.from({ length: features }, (_, j) => theta[j]!)
  return unstandardize(weights, theta[features] ?? 0, standardization)
}

/** The exact least-squares optimum θ* of a gradient-descent run in original units; null when there is none. */
export function exactInOriginalUnits(exact: ExactReference | null, features: number, standardization: Standardization | null): OriginalModel | null {
  return exact?.available ? toOriginalUnits(exact.params, features, standardization) : null
}

/** ŷ for one row of original-unit features. */
export function predictOne(model: OriginalModel, x: ArrayLike<number>): number {
  let s = model.intercept
  for (let j = 0; j < model.weights.length; j++) s += model.weights[j]! * x[j]!
  return s
}

/**
 * The coordinates of θ on the loss surface: the surface's parameters are (w…, b) with an intercept
 * and (w…) without one (see src-core/model/loss-surface.ts), while θ always carries a bias entry.
 */
export function surfaceCoordinates(theta: ArrayLike<number>, features: number, intercept: boolean): number[] {
  return Array.from({ length: features + (intercept ? 1 : 0) }, (_, i) => theta[i]!)
}
