import { hessianSpectrum } from './curvature'
import { symmetricEigen } from './symmetric-eigen'

/**
 * Condition number of the MSE's Hessian, 2/n·[X 1]ᵀ[X 1] (the intercept column included when the
 * model has one): the ratio of the largest to the smallest curvature. Gradient descent needs about
 * κ epochs to shrink the error by e in the flattest direction, so κ says whether a slow run is the
 * data's fault. The spectrum comes from curvature.ts (Jacobi with relative accuracy); above
 * `maxParameters` it is not computed (null). Unlike HessianSpectrum.conditionNumber this keeps its
 * historical meaning, max|λ|/min|λ| with no singular tolerance: Infinity only for an exact zero.
 */
export function hessianCondition(X: ArrayLike<number>, rows: number, features: number, intercept: boolean, maxParameters = 200): number | null {
  const spectrum = hessianSpectrum({ X, rows, features, intercept, maxParameters })
  if (!spectrum.available) return null
  let max = 0
  let min = Infinity
  for (const v of spectrum.eigenvalues) {
    max = Math.max(max, Math.abs(v))
    min = Math.min(min, Math.abs(v))
  }
  return min > 0 ? max / min : Infinity
}

/** Eigenvalues of a symmetric p × p matrix (row-major; left unchanged), ascending. */
export function jacobiEigenvalues(A: Float64Array, p: number): number[] {
  return Array.from(symmetricEigen(A, p).values)
}
