/**
 * Condition number of the MSE's Hessian, 2/n·[X 1]ᵀ[X 1] (the intercept column included when the
 * model has one): the ratio of the largest to the smallest curvature. Gradient descent needs about
 * κ epochs to shrink the error by e in the flattest direction, so κ says whether a slow run is the
 * data's fault. Eigenvalues by cyclic Jacobi rotations (Golub & Van Loan §8.5), exact enough for the
 * few dozen parameters Slope fits; above `maxParameters` it is not computed (null).
 */
export function hessianCondition(X: ArrayLike<number>, rows: number, features: number, intercept: boolean, maxParameters = 200): number | null {
  const p = features + (intercept ? 1 : 0)
  if (p === 0 || p > maxParameters || rows === 0) return null
  const G = new Float64Array(p * p)
  const x = new Float64Array(p)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < features; j++) x[j] = X[i * features + j]!
    if (intercept) x[features] = 1
    for (let a = 0; a < p; a++) for (let b = a; b < p; b++) G[a * p + b]! += x[a]! * x[b]!
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) G[a * p + b] = G[b * p + a]!
  const eigen = jacobiEigenvalues(G, p)
  let max = 0
  let min = Infinity
  for (const v of eigen) {
    max = Math.max(max, Math.abs(v))
    min = Math.min(min, Math.abs(v))
  }
  return min > 0 ? max / min : Infinity
}

/** Eigenvalues of a symmetric p × p matrix (row-major, destroyed). */
export function jacobiEigenvalues(A: Float64Array, p: number): number[] {
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) off += A[a * p + b]! ** 2
    let diag = 0
    for (let a = 0; a < p; a++) diag += A[a * p + a]! ** 2
    if (off <= 1e-30 * diag) break
    for (let a = 0; a < p; a++) {
      for (let b = a + 1; b < p; b++) {
        const apq = A[a * p + b]!
        if (apq === 0) continue
        const theta = (A[b * p + b]! - A[a * p + a]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < p; k++) {
          const akp = A[k * p + a]!
          const akq = A[k * p + b]!
          A[k * p + a] = c * akp - s * akq
          A[k * p + b] = s * akp + c * akq
        }
        for (let k = 0; k < p; k++) {
          const apk = A[a * p + k]!
          const aqk = A[b * p + k]!
          A[a * p + k] = c * apk - s * aqk
          A[b * p + k] = s * apk + c * aqk
        }
      }
    }
  }
  return Array.from({ length: p }, (_, a) => A[a * p + a]!)
}
