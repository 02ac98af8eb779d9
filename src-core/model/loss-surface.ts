/**
 * The MSE as a quadratic form in θ, for drawing the loss surface of small models:
 * L(θ) = (θᵀGθ − 2θᵀc + s) / n with G = AᵀA, c = Aᵀy, s = yᵀy, A = [X 1] (or X without intercept)
 * and θ = (w, b). A few numbers replace the data, so the app can evaluate any grid point instantly.
 * Kept only for models with at most `MAX_SURFACE_PARAMETERS` parameters.
 */
export interface LossQuadratic {
  /** Number of parameters p (the bias last, when there is one). */
  parameters: number
  intercept: boolean
  /** p × p, row-major. */
  gram: number[]
  xty: number[]
  yty: number
  rows: number
}

export const MAX_SURFACE_PARAMETERS = 3

export function lossQuadratic(X: ArrayLike<number>, y: ArrayLike<number>, rows: number, features: number, intercept: boolean): LossQuadratic | null {
  const p = features + (intercept ? 1 : 0)
  if (p === 0 || p > MAX_SURFACE_PARAMETERS) return null
  const gram = new Array<number>(p * p).fill(0)
  const xty = new Array<number>(p).fill(0)
  let yty = 0
  const a = new Float64Array(p)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < features; j++) a[j] = X[i * features + j]!
    if (intercept) a[features] = 1
    const yi = y[i]!
    for (let r = 0; r < p; r++) {
      xty[r]! += a[r]! * yi
      for (let c = 0; c < p; c++) gram[r * p + c]! += a[r]! * a[c]!
    }
    yty += yi * yi
  }
  return { parameters: p, intercept, gram, xty, yty, rows }
}

/** L at θ given as the model's parameters (w₀…w_{d−1}[, b]) — without a bias entry when there is no intercept. */
export function lossAt(q: LossQuadratic, theta: ArrayLike<number>): number {
  const p = q.parameters
  let quad = 0
  let lin = 0
  for (let r = 0; r < p; r++) {
    lin += theta[r]! * q.xty[r]!
    for (let c = 0; c < p; c++) quad += theta[r]! * q.gram[r * p + c]! * theta[c]!
  }
  return Math.max(0, (quad - 2 * lin + q.yty) / q.rows) // cancellation can dip a hair below 0 at the optimum
}
