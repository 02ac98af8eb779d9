import { InputError } from '../errors'
import { fUpperTailP, studentTQuantileTwoSided, studentTTwoSidedP } from './distributions'

/**
 * Exact least squares by Householder QR — never the normal equations, which square the condition
 * number and lose about half the digits on NIST's Longley and all of them on Filip.
 *
 * Numerical choices, each for a NIST StRD case:
 * - Columns are scaled by powers of two to unit-ish norm before factoring. Powers of two make the
 *   scaling exact, and the scaled problem's rank test no longer depends on units (Pontius'
 *   x² column is ~1e13 times its x column).
 * - One step of iterative refinement with the residual accumulated in double-double
 *   (Dekker's TwoProduct/TwoSum): it recovers digits lost to cancellation in y − Xβ, which is
 *   what limits Filip and Wampler4/5.
 */

export interface LeastSquaresInput {
  /** Row-major n × d feature matrix. */
  X: Float64Array
  y: Float64Array
  features: readonly string[]
  intercept: boolean
}

export interface CoefficientStats {
  estimate: number
  stdError: number
  t: number
  p: number
  ci95: [number, number]
}

export interface LeastSquaresFit {
  weights: number[]
  intercept: number // 0 without an intercept
  rows: number
  /** Parameters estimated, the intercept included. */
  parameters: number
  dfResidual: number
  rss: number
  residualSd: number
  /** Centered R² with an intercept; uncentered (1 − RSS/Σy²) without, as NIST defines it. */
  r2: number
  adjR2: number
  f: number
  fP: number
  dfModel: number
  /** Per feature, in `features` order. */
  coefficients: CoefficientStats[]
  interceptStats: CoefficientStats | null
}

/** Relative size of R's diagonal (scaled columns) under which a column counts as dependent. */
const RANK_TOLERANCE = 1e-13
const REFINEMENT_STEPS = 1 // measured: a second step changes no NIST LRE

export function leastSquares(input: LeastSquaresInput): LeastSquaresFit {
  const { X, y, features, intercept } = input
  const n = y.length
  const d = features.length
  const p = d + (intercept ? 1 : 0)
  const names = intercept ? ['(intercept)', ...features] : [...features]
  if (p === 0) throw new InputError('There is nothing to fit: no features and no intercept.', 'Add a feature or the intercept.')
  if (n < p) {
    throw new InputError(
      `Least squares needs at least as many rows as parameters: ${n} rows for ${p} parameters.`,
      'Use fewer features or more rows.',
    )
  }

  // Column-major copy A (n × p), intercept first, then power-of-two column scaling.
  const A = new Float64Array(n * p)
  for (let i = 0; i < n; i++) {
    if (intercept) A[i] = 1
    for (let j = 0; j < d; j++) A[(j + (intercept ? 1 : 0)) * n + i] = X[i * d + j]!
  }
  const scale = new Float64Array(p)
  for (let j = 0; j < p; j++) {
    let ss = 0
    for (let i = 0; i < n; i++) ss += A[j * n + i]! ** 2
    const norm = Math.sqrt(ss)
    if (!Number.isFinite(norm)) {
      throw new InputError(`Feature "${names[j]}" has values too large to square (beyond 1e154).`, 'Rescale the column, e.g. divide it by a power of ten.', { column: names[j] })
    }
    scale[j] = norm > 0 ? 2 ** -Math.round(Math.log2(norm)) : 1
    for (let i = 0; i < n; i++) A[j * n + i]! *= scale[j]!
  }
  const original = A.slice() // scaled, unfactored: used for the refinement residual

  const qr = householderQR(A, n, p)
  checkRank(qr, n, p, names, intercept)

  let beta = solveQR(qr, n, p, y)
  const residual = refineAugmented(qr, original, n, p, y, beta)

  let rss = 0
  for (let i = 0; i < n; i++) rss += residual[i]! ** 2
  const dfResidual = n - p
  const sigma2 = dfResidual > 0 ? rss / dfResidual : NaN
  const residualSd = Math.sqrt(sigma2)

  // Cov(β_scaled) = σ² R⁻¹R⁻ᵀ; unscale: β_j = β_scaled_j · scale_j.
  const rInv = invertUpper(qr.R, p)
  const tCrit = dfResidual > 0 ? studentTQuantileTwoSided(0.05, dfResidual) : NaN
  const stats: CoefficientStats[] = []
  for (let j = 0; j < p; j++) {
    let s = 0
    for (let k = j; k < p; k++) s += rInv[j * p + k]! ** 2
    const estimate = beta[j]! * scale[j]!
    const stdError = Math.sqrt(sigma2 * s) * scale[j]!
    const t = estimate / stdError
    stats.push({
      estimate,
      stdError,
      t,
      p: studentTTwoSidedP(t, dfResidual),
      ci95: [estimate - tCrit * stdError, estimate + tCrit * stdError],
    })
  }

  let tss = 0
  if (intercept) {
    let mean = 0
    for (let i = 0; i < n; i++) mean += y[i]!
    mean /= n
    for (let i = 0; i < n; i++) tss += (y[i]! - mean) ** 2
  } else {
    for (let i = 0; i < n; i++) tss += y[i]! ** 2
  }
  const r2 = 1 - rss / tss
  const dfModel = intercept ? p - 1 : p
  const dfTotal = intercept ? n - 1 : n
  const adjR2 = dfResidual > 0 ? 1 - ((1 - r2) * dfTotal) / dfResidual : NaN
  const f = dfModel > 0 && dfResidual > 0 ? (tss - rss) / dfModel / sigma2 : NaN

  const coefficientStats = intercept ? stats.slice(1) : stats
  return {
    weights: coefficientStats.map((c) => c.estimate),
    intercept: intercept ? stats[0]!.estimate : 0,
    rows: n,
    parameters: p,
    dfResidual,
    rss,
    residualSd,
    r2,
    adjR2,
    f,
    fP: fUpperTailP(f, dfModel, dfResidual),
    dfModel,
    coefficients: coefficientStats,
    interceptStats: intercept ? stats[0]! : null,
  }
}

interface QR {
  /** Householder vectors below the diagonal, column-major n × p (the factored A). */
  V: Float64Array
  /** Upper-triangular R, row-major p × p. */
  R: Float64Array
  /** β of each reflector H = I − β v vᵀ. */
  betas: Float64Array
}

function householderQR(A: Float64Array, n: number, p: number): QR {
  const R = new Float64Array(p * p)
  const betas = new Float64Array(p)
  for (let k = 0; k < p; k++) {
    const col = k * n
    let ss = 0
    for (let i = k; i < n; i++) ss += A[col + i]! ** 2
    const alpha = Math.sqrt(ss)
    if (alpha === 0) {
      betas[k] = 0
      R[k * p + k] = 0
      continue
    }
    const x0 = A[col + k]!
    const sign = x0 >= 0 ? 1 : -1
    A[col + k] = x0 + sign * alpha // v = x + sign(x₀)‖x‖e₁ avoids cancellation
    const beta = 1 / (alpha * (alpha + Math.abs(x0)))
    betas[k] = beta
    for (let j = k + 1; j < p; j++) {
      const cj = j * n
      let s = 0
      for (let i = k; i < n; i++) s += A[col + i]! * A[cj + i]!
      s *= beta
      for (let i = k; i < n; i++) A[cj + i]! -= s * A[col + i]!
      R[k * p + j] = A[cj + k]!
    }
    R[k * p + k] = -sign * alpha
  }
  return { V: A, R, betas }
}

/** Qᵀz in place. */
function applyQt(qr: QR, n: number, p: number, z: Float64Array): void {
  for (let k = 0; k < p; k++) reflect(qr, n, k, z)
}

/** Qz in place. */
function applyQ(qr: QR, n: number, p: number, z: Float64Array): void {
  for (let k = p - 1; k >= 0; k--) reflect(qr, n, k, z)
}

function reflect(qr: QR, n: number, k: number, z: Float64Array): void {
  const col = k * n
  let s = 0
  for (let i = k; i < n; i++) s += qr.V[col + i]! * z[i]!
  s *= qr.betas[k]!
  for (let i = k; i < n; i++) z[i]! -= s * qr.V[col + i]!
}

/**
 * Björck's iterative refinement of the augmented system [I A; Aᵀ 0][r; β] = [y; 0], with both
 * residuals (y − r − Aβ and −Aᵀr) accumulated in double-double. Unlike refining β alone, it also
 * converges for large-residual problems (Wampler4/5, Filip). Updates β in place; returns r.
 */
function refineAugmented(qr: QR, A: Float64Array, n: number, p: number, y: Float64Array, beta: number[]): Float64Array {
  const r = y.slice()
  const fitted = new Float64Array(n)
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) fitted[i]! += A[j * n + i]! * beta[j]!
  for (let i = 0; i < n; i++) r[i] = y[i]! - fitted[i]!
  for (let iteration = 0; iteration < REFINEMENT_STEPS; iteration++) {
    // f = y − r − Aβ, g = −Aᵀr, both in double-double.
    const f = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const acc = new DoubleDouble(y[i]!)
      acc.add(-r[i]!)
      for (let j = 0; j < p; j++) acc.addProduct(A[j * n + i]!, -beta[j]!)
      f[i] = acc.value()
    }
    const g = new Float64Array(p)
    for (let j = 0; j < p; j++) {
      const acc = new DoubleDouble(0)
      for (let i = 0; i < n; i++) acc.addProduct(A[j * n + i]!, -r[i]!)
      g[j] = acc.value()
    }
    // Solve [I A; Aᵀ 0][δr; δβ] = [f; g] with A = Q[R; 0]:
    // h = R⁻ᵀg, d = Qᵀf, δβ = R⁻¹(d₁ − h), δr = Q[h; d₂].
    const h = new Float64Array(p)
    for (let k = 0; k < p; k++) {
      let s = g[k]!
      for (let i = 0; i < k; i++) s -= qr.R[i * p + k]! * h[i]!
      h[k] = s / qr.R[k * p + k]!
    }
    const dvec = f
    applyQt(qr, n, p, dvec)
    const rhs = new Float64Array(p)
    for (let k = 0; k < p; k++) rhs[k] = dvec[k]! - h[k]!
    for (let k = p - 1; k >= 0; k--) {
      let s = rhs[k]!
      for (let j = k + 1; j < p; j++) s -= qr.R[k * p + j]! * rhs[j]!
      rhs[k] = s / qr.R[k * p + k]!
    }
    for (let k = 0; k < p; k++) dvec[k] = h[k]!
    applyQ(qr, n, p, dvec)
    for (let j = 0; j < p; j++) beta[j]! += rhs[j]!
    for (let i = 0; i < n; i++) r[i]! += dvec[i]!
  }
  return r
}

/** β = R⁻¹ (Qᵀb)[0:p]. */
function solveQR(qr: QR, n: number, p: number, b: Float64Array): number[] {
  const z = b.slice()
  applyQt(qr, n, p, z)
  const beta = new Array<number>(p).fill(0)
  for (let k = p - 1; k >= 0; k--) {
    let s = z[k]!
    for (let j = k + 1; j < p; j++) s -= qr.R[k * p + j]! * beta[j]!
    beta[k] = s / qr.R[k * p + k]!
  }
  return beta
}

function invertUpper(R: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p)
  for (let j = p - 1; j >= 0; j--) {
    inv[j * p + j] = 1 / R[j * p + j]!
    for (let i = j - 1; i >= 0; i--) {
      let s = 0
      for (let k = i + 1; k <= j; k++) s += R[i * p + k]! * inv[k * p + j]!
      inv[i * p + j] = -s / R[i * p + i]!
    }
  }
  return inv
}

/**
 * A running sum carried as an unevaluated pair hi + lo (double-double): exact products by
 * Veltkamp splitting (JavaScript has no fused multiply-add) and Knuth's TwoSum.
 */
class DoubleDouble {
  private hi: number
  private lo = 0
  constructor(start: number) {
    this.hi = start
  }

  add(x: number): void {
    const s = this.hi + x
    const bb = s - this.hi
    this.lo += this.hi - (s - bb) + (x - bb)
    this.hi = s
  }

  addProduct(a: number, b: number): void {
    const prod = a * b
    let t = SPLIT * a
    const aH = t - (t - a)
    const aL = a - aH
    t = SPLIT * b
    const bH = t - (t - b)
    const bL = b - bH
    this.lo += aL * bL - (prod - aH * bH - aL * bH - aH * bL)
    this.add(prod)
  }

  value(): number {
    return this.hi + this.lo
  }
}

const SPLIT = 134217729 // 2^27 + 1

function checkRank(qr: QR, n: number, p: number, names: readonly string[], intercept: boolean): void {
  let maxDiag = 0
  for (let k = 0; k < p; k++) maxDiag = Math.max(maxDiag, Math.abs(qr.R[k * p + k]!))
  for (let k = 0; k < p; k++) {
    if (Math.abs(qr.R[k * p + k]!) > RANK_TOLERANCE * maxDiag) continue
    const name = names[k]!
    if (maxDiag === 0 || Math.abs(qr.R[k * p + k]!) === 0 && k === 0) {
      throw new InputError(`Feature "${name}" is zero in every row.`, 'Remove it from the features.', { column: name })
    }
    // Which earlier columns is it a combination of? Solve R[0:k,0:k] c = R[0:k,k].
    const c = new Float64Array(k)
    for (let i = k - 1; i >= 0; i--) {
      let s = qr.R[i * p + k]!
      for (let j = i + 1; j < k; j++) s -= qr.R[i * p + j]! * c[j]!
      c[i] = s / qr.R[i * p + i]!
    }
    const largest = c.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
    const partners = names.slice(0, k).filter((_, i) => Math.abs(c[i]!) > 1e-6 * largest)
    if (intercept && partners.length === 1 && partners[0] === '(intercept)') {
      throw new InputError(
        `Feature "${name}" is constant, so it duplicates the intercept and the fit is not unique.`,
        'Remove it from the features (or fit without an intercept).',
        { column: name },
      )
    }
    const quoted = partners.filter((x) => x !== '(intercept)').map((x) => `"${x}"`)
    throw new InputError(
      `Feature "${name}" is a linear combination of ${quoted.join(', ')}${partners.includes('(intercept)') ? ' and the intercept' : ''} (collinear), so the exact fit is not unique.`,
      `Remove "${name}" or one of the features it depends on.`,
      { column: name },
    )
  }
  void n
}
