/**
 * Singular values and right singular vectors of a small square matrix by one-sided Jacobi
 * (Hestenes; Demmel & Veselić, SIAM J. Matrix Anal. Appl. 13(4), 1992): columns are rotated in
 * pairs until they are mutually orthogonal, and the singular values are their norms. Applied to the
 * p × p factor R of a design it gives each σ to a relative accuracy of about ε·κ(R) — forming RᵀR
 * and taking its eigenvalues would square that (the collinearity table's smallest eigenvalue on
 * Longley would keep 8 digits instead of 14).
 */

export interface SingularValues {
  /** Descending. */
  values: Float64Array
  /** Row-major p × p: column k (entries vectors[i·p + k]) is the right singular vector of values[k]. */
  vectors: Float64Array
}

const MAX_SWEEPS = 60

/** `A` is row-major p × p (left unchanged). */
export function singularValues(A: ArrayLike<number>, p: number): SingularValues {
  // Columns stored contiguously: col[j·p + i] = A[i][j].
  const col = new Float64Array(p * p)
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) col[j * p + i] = A[i * p + j]!
  const v = new Float64Array(p * p) // column-major too
  for (let j = 0; j < p; j++) v[j * p + j] = 1
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false
    for (let j = 0; j < p - 1; j++) {
      for (let k = j + 1; k < p; k++) {
        let alpha = 0
        let beta = 0
        let gamma = 0
        for (let i = 0; i < p; i++) {
          const x = col[j * p + i]!
          const y = col[k * p + i]!
          alpha += x * x
          beta += y * y
          gamma += x * y
        }
        if (gamma === 0 || Math.abs(gamma) <= Number.EPSILON * Math.sqrt(alpha * beta)) continue
        rotated = true
        const zeta = (beta - alpha) / (2 * gamma)
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta))
        const c = 1 / Math.sqrt(1 + t * t)
        const s = c * t
        for (const m of [col, v]) {
          for (let i = 0; i < p; i++) {
            const x = m[j * p + i]!
            const y = m[k * p + i]!
            m[j * p + i] = c * x - s * y
            m[k * p + i] = s * x + c * y
          }
        }
      }
    }
    if (!rotated) break
  }
  const norms = Array.from({ length: p }, (_, j) => {
    let s = 0
    for (let i = 0; i < p; i++) s += col[j * p + i]! ** 2
    return Math.sqrt(s)
  })
  const order = norms.map((_, j) => j).sort((a, b) => norms[b]! - norms[a]!)
  const values = new Float64Array(p)
  const vectors = new Float64Array(p * p)
  order.forEach((from, to) => {
    values[to] = norms[from]!
    for (let i = 0; i < p; i++) vectors[i * p + to] = v[from * p + i]!
  })
  return { values, vectors }
}
