/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan,
 * "Matrix Computations", 4th ed., §8.5), with the relative off-diagonal test of Demmel & Veselić
 * ("Jacobi's method is more accurate than QR", SIAM J. Matrix Anal. Appl. 13(4), 1992): a pair
 * (a, b) is rotated away unless |A_ab| ≤ ε·√|A_aa·A_bb|. With that test a positive definite matrix
 * H = D·S·D (D diagonal, S with unit diagonal) gets every eigenvalue, the smallest included, to a
 * relative accuracy of about ε·κ(S) instead of the ε·κ(H) of tridiagonal QR. That is what a
 * Hessian in raw units needs: NIST's Longley with an intercept has κ(H) ≈ 2.4e19 but κ(S) ≈ 1.9e9,
 * so its smallest curvature still comes out to ~7 digits.
 *
 * Cost: about 6 sweeps of p²/2 rotations, each touching two rows and columns of A and of V, so
 * ~20·p³ flops — ~0.2 s at p = 200 in V8, the size Slope computes exactly (see curvature.ts).
 */

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array
  /** Unit eigenvectors, row-major p × p: column k (entries vectors[i·p + k]) belongs to values[k]. */
  vectors: Float64Array
  /** Sweeps until no off-diagonal entry was large enough to rotate. */
  sweeps: number
}

/** Relative size below which an off-diagonal entry counts as zero (one unit in the last place). */
const OFF_DIAGONAL_TOLERANCE = Number.EPSILON
/** Jacobi converges quadratically; 60 sweeps are never needed for p ≤ 10⁴ (Golub & Van Loan §8.5.5). */
const MAX_SWEEPS = 60

/** Eigenvalues and eigenvectors of the symmetric p × p matrix `A` (row-major; left unchanged). */
export function symmetricEigen(A: ArrayLike<number>, p: number): SymmetricEigen {
  if (A.length !== p * p) throw new Error(`symmetricEigen: expected ${p * p} entries, got ${A.length}`)
  const a = Float64Array.from(A)
  const v = new Float64Array(p * p)
  for (let i = 0; i < p; i++) v[i * p + i] = 1
  let sweeps = 0
  for (; sweeps < MAX_SWEEPS; sweeps++) {
    let rotated = false
    for (let r = 0; r < p - 1; r++) {
      for (let c = r + 1; c < p; c++) {
        const arc = a[r * p + c]!
        const arr = a[r * p + r]!
        const acc = a[c * p + c]!
        if (Math.abs(arc) <= OFF_DIAGONAL_TOLERANCE * Math.sqrt(Math.abs(arr * acc)) || arc === 0) continue
        rotated = true
        // The smaller root t of t² + 2θt − 1 = 0 (|rotation angle| ≤ π/4) keeps the rotation stable;
        // the diagonal is then updated by ∓t·A_rc rather than recomputed (Golub & Van Loan Alg. 8.5.1).
        const theta = (acc - arr) / (2 * arc)
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const cos = 1 / Math.sqrt(t * t + 1)
        const sin = t * cos
        a[r * p + r] = arr - t * arc
        a[c * p + c] = acc + t * arc
        a[r * p + c] = 0
        a[c * p + r] = 0
        for (let k = 0; k < p; k++) {
          if (k === r || k === c) continue
          const akr = a[k * p + r]!
          const akc = a[k * p + c]!
          const nr = cos * akr - sin * akc
          const nc = sin * akr + cos * akc
          a[k * p + r] = nr
          a[r * p + k] = nr
          a[k * p + c] = nc
          a[c * p + k] = nc
        }
        for (let k = 0; k < p; k++) {
          const vkr = v[k * p + r]!
          const vkc = v[k * p + c]!
          v[k * p + r] = cos * vkr - sin * vkc
          v[k * p + c] = sin * vkr + cos * vkc
        }
      }
    }
    if (!rotated) break
  }

  const order = Array.from({ length: p }, (_, k) => k).sort((x, y) => a[x * p + x]! - a[y * p + y]!)
  const values = new Float64Array(p)
  const vectors = new Float64Array(p * p)
  order.forEach((from, to) => {
    values[to] = a[from * p + from]!
    for (let i = 0; i < p; i++) vectors[i * p + to] = v[i * p + from]!
  })
  return { values, vectors, sweeps }
}
