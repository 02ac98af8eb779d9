import { isInputError } from '../errors'
import { CompensatedSum, compensatedSum } from './compensated-sum'
import { robustCovarianceTypes, type CovarianceType, type RobustCovarianceType } from './covariance-type'
import { chiSquareUpperTailP, studentTQuantileTwoSided, studentTTwoSidedP } from './distributions'
import { factorTallSkinny } from './householder-tsqr'
import { invertUpper, leastSquares, type LeastSquaresFit, type LeastSquaresInput } from './least-squares'
import { singularValues } from './singular-values'

/**
 * The regression report of an exact fit: what statsmodels' OLSResults.summary(), R's summary.lm,
 * jamovi's linReg and JASP's collinearity table show beside the coefficients. Every figure follows
 * statsmodels 0.13's definition (named at each field) unless a field says otherwise; the parity
 * tests (regression-report.test.ts) compare them on real data sets.
 *
 * Everything comes from one more Householder factor of the power-of-two-scaled design (the same
 * scaling as least-squares.ts) and one pass over the rows: leverage hᵢ = ‖R⁻ᵀaᵢ‖² is a triangular
 * solve per row, so nothing n × n (the hat matrix) is ever formed — O(n·p²) in all.
 */

export interface Inference {
  stdError: number | null
  t: number | null
  p: number | null
  ci: [number, number] | null
}

export interface TestResult {
  lm: number | null
  lmP: number | null
  f: number | null
  fP: number | null
  /** Degrees of freedom of the LM statistic's χ² (the auxiliary regression's terms less its constant). */
  df: number
}

export interface RegressionReport {
  covariance: CovarianceType
  ciLevel: number
  /** Term order of every per-term array: "(intercept)" first when fitted, then the features. */
  terms: string[]
  /** Inference (SE, t, two-sided p, interval at ciLevel) from the chosen covariance, Student t with df_residual. */
  inference: Inference[]
  /** Heteroskedasticity-consistent standard errors, per term. */
  hcStdErrors: Record<RobustCovarianceType, (number | null)[]>
  /** Coefficient covariance matrices in original units (row-major, term order); null above MAX_MATRIX_TERMS terms. */
  covarianceMatrix: { nonrobust: number[][]; chosen: number[][] } | null
  /** β_j = w_j·sd(x_j)/sd(y) (sample sds), per feature — jamovi's "standardized estimate". */
  standardized: (number | null)[]
  /** Variance inflation factor per feature (statsmodels' variance_inflation_factor on the model's design). */
  vif: (number | null)[]
  tolerance: (number | null)[]
  /** Per feature: the other feature it is most collinear with (largest |partial correlation|), or null. */
  collinearWith: (string | null)[]
  collinearity: {
    /** Belsley–Kuh–Welsch: eigenvalues of the design's cross-product with every column (the intercept's included) scaled to unit length, descending. */
    eigenvalues: number[]
    /** √(λ_max/λ_k), per eigenvalue. */
    conditionIndices: number[]
    /** Largest condition index: the condition number of the unit-column-scaled design. */
    conditionNumber: number
    /** statsmodels' "Cond. No.": √(λ_max/λ_min) of XᵀX in original units (unscaled, so unit-dependent). */
    conditionNumberUnscaled: number
    /** Share of each term's coefficient variance per dimension: [dimension][term] (rows sum over dimensions to 1 per term); null above MAX_MATRIX_TERMS. */
    varianceProportions: number[][] | null
  }
  /** Gaussian log-likelihood at the estimate: −n/2·(log 2π + log(RSS/n) + 1). */
  logLikelihood: number
  /** −2·llf + 2p and −2·llf + p·log n (p parameters, the intercept included; σ² not counted, as statsmodels). */
  aic: number
  bic: number
  anova: {
    ssModel: number
    ssResid: number
    /** Centered about ȳ with an intercept; Σy² without (as R² is). */
    ssTotal: number
    dfModel: number
    dfResid: number
    dfTotal: number
    mseModel: number | null
    mseResid: number | null
    mseTotal: number | null
  }
  /** Σ(eₜ − eₜ₋₁)²/Σeₜ², in row order. */
  durbinWatson: number | null
  /** n/6·(S² + (K − 3)²/4), χ²(2); S and K the biased (population) skewness and kurtosis of the residuals. */
  jarqueBera: { statistic: number | null; p: number | null; skew: number | null; kurtosis: number | null }
  /** D'Agostino–Pearson K² = Z(skew)² + Z(kurtosis)², χ²(2) (scipy.stats.normaltest); null below 8 rows. */
  omnibus: { statistic: number; p: number } | null
  /**
   * Breusch–Pagan on the model's features: `koenker` is the studentized LM = n·R² of e² on [1, X]
   * (statsmodels het_breuschpagan's default, robust=True; not Stata's default); `original` is
   * Breusch & Pagan's LM = ESS/2 of e²/mean(e²) on [1, X] (robust=False; Stata's `estat hettest`).
   * F is the auxiliary regression's F test, the same for both.
   */
  breuschPagan: { koenker: TestResult; original: TestResult } | null
  /** White's test: n·R² of e² on [1, X, all xⱼxₖ (j ≤ k)] (statsmodels het_white); `skipped` says why it is not computed. */
  white: TestResult | { skipped: string }
}

/** Covariance and variance-proportion matrices above this many terms are left out (p² numbers). */
export const MAX_MATRIX_TERMS = 100
/** White's auxiliary regression has 1 + d + d(d + 1)/2 terms; above this many it is skipped. */
export const MAX_WHITE_TERMS = 200

export interface ReportOptions {
  covariance: CovarianceType
  ciLevel: number
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null)

export function regressionReport(input: LeastSquaresInput, fit: LeastSquaresFit, options: ReportOptions): RegressionReport {
  const { X, y, features, intercept } = input
  const n = y.length
  const d = features.length
  const p = d + (intercept ? 1 : 0)
  const offset = intercept ? 1 : 0
  const terms = intercept ? ['(intercept)', ...features] : [...features]
  const estimates = intercept ? [fit.intercept, ...fit.weights] : [...fit.weights]
  const dfResid = n - p

  const { R, scale, fillRow } = factorDesign(input)
  const rInv = invertUpper(R, p)

  // (XᵀX)⁻¹ in original units: S·R⁻¹R⁻ᵀ·S.
  const xtxInv = new Float64Array(p * p)
  for (let j = 0; j < p; j++) {
    for (let k = j; k < p; k++) {
      let s = 0
      for (let l = k; l < p; l++) s += rInv[j * p + l]! * rInv[k * p + l]!
      xtxInv[j * p + k] = xtxInv[k * p + j] = s * scale[j]! * scale[k]!
    }
  }

  // One pass over the rows: residuals, leverage, and the HC "meat" matrices Σ ωᵢ gᵢgᵢᵀ with gᵢ = R⁻ᵀaᵢ.
  const residual = new Float64Array(n)
  const meat = { HC0: new Float64Array(p * p), HC2: new Float64Array(p * p), HC3: new Float64Array(p * p) }
  const a = new Float64Array(p)
  const g = new Float64Array(p)
  for (let i = 0; i < n; i++) {
    let fitted = fit.intercept
    for (let j = 0; j < d; j++) fitted += fit.weights[j]! * X[i * d + j]!
    const e = y[i]! - fitted
    residual[i] = e
    fillRow(i, a, 0, 1)
    const h = solveTransposed(R, p, a, g)
    const e2 = e * e
    if (e2 === 0) continue // a row with leverage 1 has e = 0 and adds nothing (1 − h would be 0)
    const w0 = e2
    const w2 = e2 / (1 - h)
    const w3 = w2 / (1 - h)
    for (let j = 0; j < p; j++) {
      const gj = g[j]!
      for (let k = j; k < p; k++) {
        const gg = gj * g[k]!
        meat.HC0[j * p + k]! += w0 * gg
        meat.HC2[j * p + k]! += w2 * gg
        meat.HC3[j * p + k]! += w3 * gg
      }
    }
  }

  const ssResid = compensatedSum(n, (i) => residual[i]! ** 2)
  const sigma2 = dfResid > 0 ? ssResid / dfResid : NaN
  const sandwich = (m: Float64Array, factor: number) => {
    // R⁻¹ M R⁻ᵀ, unscaled: Cov_jk = s_j s_k Σ_lm R⁻¹_jl M_lm R⁻¹_km.
    const full = (l: number, q: number) => (l <= q ? m[l * p + q]! : m[q * p + l]!)
    const left = new Float64Array(p * p)
    for (let j = 0; j < p; j++) for (let q = 0; q < p; q++) {
      let s = 0
      for (let l = j; l < p; l++) s += rInv[j * p + l]! * full(l, q)
      left[j * p + q] = s
    }
    const cov = new Float64Array(p * p)
    for (let j = 0; j < p; j++) for (let k = j; k < p; k++) {
      let s = 0
      for (let q = k; q < p; q++) s += left[j * p + q]! * rInv[k * p + q]!
      cov[j * p + k] = cov[k * p + j] = s * factor * scale[j]! * scale[k]!
    }
    return cov
  }
  const covariances: Record<CovarianceType, Float64Array> = {
    nonrobust: xtxInv.map((v) => v * sigma2),
    HC0: sandwich(meat.HC0, 1),
    HC1: sandwich(meat.HC0, dfResid > 0 ? n / dfResid : NaN),
    HC2: sandwich(meat.HC2, 1),
    HC3: sandwich(meat.HC3, 1),
  }
  const diagonalSe = (cov: Float64Array) => terms.map((_, j) => num(Math.sqrt(cov[j * p + j]!)))
  const hcStdErrors = Object.fromEntries(robustCovarianceTypes.map((c) => [c, diagonalSe(covariances[c])])) as Record<RobustCovarianceType, (number | null)[]>

  const chosen = covariances[options.covariance]
  const q = dfResid > 0 ? studentTQuantileTwoSided(1 - options.ciLevel, dfResid) : NaN
  const inference: Inference[] = estimates.map((est, j) => {
    const se = Math.sqrt(chosen[j * p + j]!)
    const t = est / se
    return {
      stdError: num(se),
      t: num(t),
      p: num(studentTTwoSidedP(t, dfResid)),
      ci: Number.isFinite(q * se) ? [est - q * se, est + q * se] : null,
    }
  })
  const asRows = (m: Float64Array) => Array.from({ length: p }, (_, j) => Array.from(m.subarray(j * p, (j + 1) * p)))

  // Column means and (centered or not) sums of squares of each feature, and of y: two passes, compensated.
  const centered = (values: (i: number) => number) => {
    const mean = intercept ? compensatedSum(n, values) / n : 0
    return { mean, ss: compensatedSum(n, (i) => (values(i) - mean) ** 2) }
  }
  const yStats = centered((i) => y[i]!)
  const featureStats = features.map((_, j) => centered((i) => X[i * d + j]!))
  const sampleSd = (values: (i: number) => number) => Math.sqrt(centeredSs(values, n) / (n - 1))
  // β uses centered sample sds whatever the model (jamovi, SPSS): the scale-free ratio w_j·s_x/s_y.
  const sdY = sampleSd((i) => y[i]!)
  const standardized = features.map((_, j) => num((fit.weights[j]! * sampleSd((i) => X[i * d + j]!)) / sdY))
  // VIF_j = 1/(1 − R²_j) of x_j on the other columns = [(XᵀX)⁻¹]_jj · SS_j (centered with an intercept,
  // uncentered without — the R² statsmodels' auxiliary OLS reports in each case).
  const vif = features.map((_, j) => num(xtxInv[(j + offset) * p + j + offset]! * featureStats[j]!.ss))
  const collinearWith = features.map((_, j) => {
    let best: string | null = null
    let largest = 0
    for (let k = 0; k < d; k++) {
      if (k === j) continue
      const a1 = j + offset
      const a2 = k + offset
      const partial = Math.abs(xtxInv[a1 * p + a2]! / Math.sqrt(xtxInv[a1 * p + a1]! * xtxInv[a2 * p + a2]!))
      if (partial > largest) {
        largest = partial
        best = features[k]!
      }
    }
    return best
  })

  const collinearity = collinearityDiagnostics(R, p, scale)

  const ssTotal = yStats.ss
  const dfModel = intercept ? p - 1 : p
  const dfTotal = intercept ? n - 1 : n
  const ssModel = ssTotal - ssResid
  const logLikelihood = (-n / 2) * (Math.log(2 * Math.PI) + Math.log(ssResid / n) + 1)

  return {
    covariance: options.covariance,
    ciLevel: options.ciLevel,
    terms,
    inference,
    hcStdErrors,
    covarianceMatrix: p <= MAX_MATRIX_TERMS ? { nonrobust: asRows(covariances.nonrobust), chosen: asRows(chosen) } : null,
    standardized,
    vif,
    tolerance: vif.map((v) => (v === null ? null : 1 / v)),
    collinearWith,
    collinearity,
    logLikelihood,
    aic: -2 * logLikelihood + 2 * p,
    bic: -2 * logLikelihood + Math.log(n) * p,
    anova: {
      ssModel,
      ssResid,
      ssTotal,
      dfModel,
      dfResid,
      dfTotal,
      mseModel: dfModel > 0 ? ssModel / dfModel : null,
      mseResid: dfResid > 0 ? ssResid / dfResid : null,
      mseTotal: dfTotal > 0 ? ssTotal / dfTotal : null,
    },
    durbinWatson: num(compensatedSum(n - 1, (i) => (residual[i + 1]! - residual[i]!) ** 2) / ssResid),
    jarqueBera: jarqueBera(residual),
    omnibus: omnibusTest(residual),
    breuschPagan: breuschPagan(X, d, residual),
    white: whiteTest(X, d, residual),
  }
}

/** The design [1 X] with power-of-two column scales (as least-squares.ts scales it) and its Householder R. */
export function factorDesign(input: LeastSquaresInput): { R: Float64Array; scale: Float64Array; fillRow: (i: number, dst: Float64Array, at: number, stride: number) => void } {
  const { X, y, features, intercept } = input
  const n = y.length
  const d = features.length
  const offset = intercept ? 1 : 0
  const p = d + offset
  const sumSquares = new Float64Array(p)
  if (intercept) sumSquares[0] = n
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sumSquares[j + offset]! += X[i * d + j]! ** 2
  const scale = Float64Array.from(sumSquares, (s) => (s > 0 ? 2 ** -Math.round(Math.log2(Math.sqrt(s))) : 1))
  const fillRow = (i: number, dst: Float64Array, at: number, stride: number) => {
    if (intercept) dst[at] = scale[0]!
    for (let j = 0; j < d; j++) dst[at + (j + offset) * stride] = X[i * d + j]! * scale[j + offset]!
  }
  return { R: factorTallSkinny(n, p, fillRow).R, scale, fillRow }
}

function centeredSs(values: (i: number) => number, n: number): number {
  const mean = compensatedSum(n, values) / n
  return compensatedSum(n, (i) => (values(i) - mean) ** 2)
}

/** g = R⁻ᵀa by forward substitution; returns ‖g‖² (the row's leverage). */
export function solveTransposed(R: Float64Array, p: number, a: Float64Array, g: Float64Array): number {
  let h = 0
  for (let k = 0; k < p; k++) {
    let s = a[k]!
    for (let l = 0; l < k; l++) s -= R[l * p + k]! * g[l]!
    const gk = s / R[k * p + k]!
    g[k] = gk
    h += gk * gk
  }
  return h
}

/**
 * Belsley, Kuh & Welsch ("Regression Diagnostics", 1980, ch. 3) as JASP shows them: the design's
 * columns (the intercept's ones included, none centered) scaled to unit length, the eigenvalues of
 * its cross-product, condition indices and variance-decomposition proportions. R's column norms are
 * the design's (Q is orthogonal), so the unit-length design's factor is R·diag(1/‖Rⱼ‖).
 */
function collinearityDiagnostics(R: Float64Array, p: number, scale: Float64Array): RegressionReport['collinearity'] {
  const norms = Array.from({ length: p }, (_, j) => {
    let s = 0
    for (let i = 0; i <= j; i++) s += R[i * p + j]! ** 2
    return Math.sqrt(s)
  })
  const unit = R.map((v, at) => v / norms[at % p]!)
  const svd = singularValues(unit, p)
  const sigma = Array.from(svd.values)
  const raw = singularValues(R.map((v, at) => v / scale[at % p]!), p).values
  let varianceProportions: number[][] | null = null
  if (p <= MAX_MATRIX_TERMS) {
    // φ_kj = v_kj²/σ_j²; π_jk = φ_kj / Σ_j φ_kj (dimension j, term k).
    const phi = (k: number, j: number) => svd.vectors[k * p + j]! ** 2 / sigma[j]! ** 2
    const totals = Array.from({ length: p }, (_, k) => sigma.reduce((s, _, j) => s + phi(k, j), 0))
    varianceProportions = sigma.map((_, j) => Array.from({ length: p }, (_, k) => phi(k, j) / totals[k]!))
  }
  return {
    eigenvalues: sigma.map((s) => s * s),
    conditionIndices: sigma.map((s) => sigma[0]! / s),
    conditionNumber: sigma[0]! / sigma[p - 1]!,
    conditionNumberUnscaled: raw[0]! / raw[p - 1]!,
    varianceProportions,
  }
}

/** Central moments of the residuals about their mean (the mean is 0 with an intercept, not without). */
function moments(e: Float64Array): { m2: number; m3: number; m4: number } {
  const n = e.length
  const mean = compensatedSum(n, (i) => e[i]!) / n
  const s2 = new CompensatedSum()
  const s3 = new CompensatedSum()
  const s4 = new CompensatedSum()
  for (let i = 0; i < n; i++) {
    const c = e[i]! - mean
    const c2 = c * c
    s2.add(c2)
    s3.add(c2 * c)
    s4.add(c2 * c2)
  }
  return { m2: s2.value / n, m3: s3.value / n, m4: s4.value / n }
}

function jarqueBera(e: Float64Array): RegressionReport['jarqueBera'] {
  const n = e.length
  const { m2, m3, m4 } = moments(e)
  const skew = m3 / m2 ** 1.5
  const kurtosis = m4 / (m2 * m2)
  const statistic = (n / 6) * (skew * skew + (kurtosis - 3) ** 2 / 4)
  return { statistic: num(statistic), p: num(chiSquareUpperTailP(statistic, 2)), skew: num(skew), kurtosis: num(kurtosis) }
}

/**
 * D'Agostino's skewness test (1970) and Anscombe & Glynn's kurtosis test (1983), combined as in
 * D'Agostino & Pearson (1973) — the transformations scipy.stats.skewtest/kurtosistest use.
 */
function omnibusTest(e: Float64Array): RegressionReport['omnibus'] {
  const n = e.length
  if (n < 8) return null
  const { m2, m3, m4 } = moments(e)
  if (!(m2 > 0)) return null
  const b1 = m3 / m2 ** 1.5
  let yv = b1 * Math.sqrt(((n + 1) * (n + 3)) / (6 * (n - 2)))
  const beta2 = (3 * (n * n + 27 * n - 70) * (n + 1) * (n + 3)) / ((n - 2) * (n + 5) * (n + 7) * (n + 9))
  const w2 = -1 + Math.sqrt(2 * (beta2 - 1))
  const delta = 1 / Math.sqrt(0.5 * Math.log(w2))
  const alpha = Math.sqrt(2 / (w2 - 1))
  if (yv === 0) yv = 1
  const zSkew = delta * Math.log(yv / alpha + Math.sqrt((yv / alpha) ** 2 + 1))

  const b2 = m4 / (m2 * m2)
  const expected = (3 * (n - 1)) / (n + 1)
  const variance = (24 * n * (n - 2) * (n - 3)) / ((n + 1) * (n + 1) * (n + 3) * (n + 5))
  const x = (b2 - expected) / Math.sqrt(variance)
  const sqrtBeta1 = ((6 * (n * n - 5 * n + 2)) / ((n + 7) * (n + 9))) * Math.sqrt((6 * (n + 3) * (n + 5)) / (n * (n - 2) * (n - 3)))
  const A = 6 + (8 / sqrtBeta1) * (2 / sqrtBeta1 + Math.sqrt(1 + 4 / sqrtBeta1 ** 2))
  const term1 = 1 - 2 / (9 * A)
  const denom = 1 + x * Math.sqrt(2 / (A - 4))
  const term2 = Math.sign(denom) * ((1 - 2 / A) / Math.abs(denom)) ** (1 / 3)
  const zKurt = (term1 - term2) / Math.sqrt(2 / (9 * A))
  const statistic = zSkew * zSkew + zKurt * zKurt
  if (!Number.isFinite(statistic)) return null
  return { statistic, p: chiSquareUpperTailP(statistic, 2) }
}

/** e² regressed on the columns `columns` (row-major n × k, a constant added); null when that fit is not unique. */
function auxiliaryFit(Z: Float64Array, names: string[], target: Float64Array): LeastSquaresFit | null {
  try {
    return leastSquares({ X: Z, y: target, features: names, intercept: true })
  } catch (e) {
    if (isInputError(e)) return null
    throw e
  }
}

function breuschPagan(X: Float64Array, d: number, e: Float64Array): RegressionReport['breuschPagan'] {
  const n = e.length
  if (d === 0) return null
  const e2 = e.map((v) => v * v)
  const aux = auxiliaryFit(X, Array.from({ length: d }, (_, j) => `x${j}`), e2)
  if (!aux) return null
  const meanE2 = compensatedSum(n, (i) => e2[i]!) / n
  // The auxiliary TSS of e²/mean(e²): ESS = R²·TSS, so the original LM needs no second fit.
  const tssScaled = compensatedSum(n, (i) => (e2[i]! / meanE2 - 1) ** 2)
  const koenker = n * aux.r2
  const original = (aux.r2 * tssScaled) / 2
  const f = num(aux.f)
  const fP = num(aux.fP)
  return {
    koenker: { lm: num(koenker), lmP: num(chiSquareUpperTailP(koenker, d)), f, fP, df: d },
    original: { lm: num(original), lmP: num(chiSquareUpperTailP(original, d)), f, fP, df: d },
  }
}

function whiteTest(X: Float64Array, d: number, e: Float64Array): TestResult | { skipped: string } {
  const n = e.length
  if (d === 0) return { skipped: 'the model has no features' }
  // Columns: x_j, then x_j·x_k for j ≤ k; exact duplicates (a 0/1 column squared) and all-zero columns
  // (products of exclusive dummies) are dropped, as statsmodels' rank-aware df drops them.
  const columns: Float64Array[] = []
  const seen = new Set<string>()
  const add = (c: Float64Array) => {
    if (c.every((v) => v === 0)) return
    const key = fingerprint(c)
    if (seen.has(key) && columns.some((o) => o.every((v, i) => v === c[i]))) return
    seen.add(key)
    columns.push(c)
  }
  const total = d + (d * (d + 1)) / 2
  if (total + 1 > MAX_WHITE_TERMS) return { skipped: `its auxiliary regression would have ${total + 1} terms (more than ${MAX_WHITE_TERMS})` }
  for (let j = 0; j < d; j++) add(Float64Array.from({ length: n }, (_, i) => X[i * d + j]!))
  for (let j = 0; j < d; j++) for (let k = j; k < d; k++) add(Float64Array.from({ length: n }, (_, i) => X[i * d + j]! * X[i * d + k]!))
  // A column that is a combination of earlier ones (x² beside a given x² column) is dropped, one at a
  // time, as leastSquares names it: statsmodels' pseudo-inverse fit counts only the rank in the df.
  const names = columns.map((_, j) => `z${j}`)
  const e2 = e.map((v) => v * v)
  for (;;) {
    const k = columns.length
    if (k + 1 >= n) return { skipped: `its auxiliary regression has ${k + 1} terms for ${n} rows` }
    const Z = new Float64Array(n * k)
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) Z[i * k + j] = columns[j]![i]!
    try {
      const aux = leastSquares({ X: Z, y: e2, features: names, intercept: true })
      const lm = n * aux.r2
      return { lm: num(lm), lmP: num(chiSquareUpperTailP(lm, k)), f: num(aux.f), fP: num(aux.fP), df: k }
    } catch (error) {
      const dependent = isInputError(error) ? names.indexOf(error.where.column ?? '') : -1
      if (dependent < 0) return { skipped: 'its auxiliary regression (squares and cross products of the features) is collinear' }
      columns.splice(dependent, 1)
      names.splice(dependent, 1)
    }
  }
}

function fingerprint(c: Float64Array): string {
  let s = 0
  for (let i = 0; i < c.length; i += Math.max(1, c.length >> 4)) s = s * 31 + c[i]!
  return String(s)
}

/** What an exact fit stores: the least-squares statistics and, since the report existed, the report. */
export type ExactFitStatistics = LeastSquaresFit & { report?: RegressionReport }
