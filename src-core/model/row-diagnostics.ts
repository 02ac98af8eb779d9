import type { LeastSquaresFit, LeastSquaresInput } from './least-squares'
import { invertUpper } from './least-squares'
import { factorDesign, solveTransposed } from './regression-report'

/**
 * Per-row influence diagnostics of an exact fit, as statsmodels' OLSInfluence and R's
 * influence.measures define them, from the Householder factor: hᵢ = ‖R⁻ᵀaᵢ‖² and
 * (XᵀX)⁻¹xᵢ = S·R⁻¹(R⁻ᵀaᵢ), two triangular solves per row — O(n·p²), no hat matrix.
 */
export interface RowDiagnostics {
  fitted: Float64Array
  residual: Float64Array
  leverage: Float64Array
  /** eᵢ / (s·√(1 − hᵢ)), s² = RSS/(n − p) (R's rstandard). */
  studentized: Float64Array
  /** eᵢ / (s₍ᵢ₎·√(1 − hᵢ)), s₍ᵢ₎² = (RSS − eᵢ²/(1 − hᵢ))/(n − p − 1): the fit without row i (R's rstudent). */
  studentizedExternal: Float64Array
  /** rᵢ²·hᵢ / (p·(1 − hᵢ)), r the internally studentized residual. */
  cooksD: Float64Array
  /** Externally studentized residual · √(hᵢ/(1 − hᵢ)). */
  dffits: Float64Array
  /** Row-major n × p in term order: ((XᵀX)⁻¹xᵢeᵢ/(1 − hᵢ))ⱼ / (s₍ᵢ₎·√[(XᵀX)⁻¹]ⱼⱼ); null unless asked for. */
  dfbetas: Float64Array | null
  /** The documented flag thresholds (README "Per-row diagnostics"). */
  thresholds: { cooksD: number; studentized: number; leverage: number }
}

/** Cook's D > 4/n; |externally studentized| > 3; leverage > 2p/n (Belsley, Kuh & Welsch's rule). */
export function diagnosticThresholds(n: number, p: number) {
  return { cooksD: 4 / n, studentized: 3, leverage: (2 * p) / n }
}

export function rowDiagnostics(input: LeastSquaresInput, fit: LeastSquaresFit, options: { dfbetas?: boolean } = {}): RowDiagnostics {
  const { X, y, features, intercept } = input
  const n = y.length
  const d = features.length
  const p = fit.parameters
  const { R, scale, fillRow } = factorDesign(input)
  const rInv = invertUpper(R, p)
  const dfResid = n - p
  const s2 = fit.rss / dfResid
  const fitted = new Float64Array(n)
  const residual = new Float64Array(n)
  const leverage = new Float64Array(n)
  const studentized = new Float64Array(n)
  const studentizedExternal = new Float64Array(n)
  const cooksD = new Float64Array(n)
  const dffits = new Float64Array(n)
  const dfbetas = options.dfbetas ? new Float64Array(n * p) : null
  // √[(XᵀX)⁻¹]ⱼⱼ in original units: scale_j·‖row j of R⁻¹‖.
  const sdUnit = Array.from({ length: p }, (_, j) => {
    let s = 0
    for (let l = j; l < p; l++) s += rInv[j * p + l]! ** 2
    return Math.sqrt(s) * scale[j]!
  })
  const a = new Float64Array(p)
  const g = new Float64Array(p)
  for (let i = 0; i < n; i++) {
    let f = fit.intercept
    for (let j = 0; j < d; j++) f += fit.weights[j]! * X[i * d + j]!
    const e = y[i]! - f
    fitted[i] = f
    residual[i] = e
    fillRow(i, a, 0, 1)
    const h = solveTransposed(R, p, a, g)
    leverage[i] = h
    const r = e / Math.sqrt(s2 * (1 - h))
    const sI2 = (fit.rss - (e * e) / (1 - h)) / (dfResid - 1)
    const t = e / Math.sqrt(sI2 * (1 - h))
    studentized[i] = r
    studentizedExternal[i] = t
    cooksD[i] = (r * r * h) / (p * (1 - h))
    dffits[i] = t * Math.sqrt(h / (1 - h))
    if (dfbetas) {
      const sI = Math.sqrt(sI2)
      for (let j = 0; j < p; j++) {
        let c = 0
        for (let l = j; l < p; l++) c += rInv[j * p + l]! * g[l]!
        dfbetas[i * p + j] = ((c * scale[j]! * e) / (1 - h)) / (sI * sdUnit[j]!)
      }
    }
  }
  return { fitted, residual, leverage, studentized, studentizedExternal, cooksD, dffits, dfbetas, thresholds: diagnosticThresholds(n, p) }
}
