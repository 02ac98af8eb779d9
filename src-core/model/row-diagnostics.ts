import { InputError } from '../errors'
import { INTERCEPT_KEY } from '../intercept-key'
import { prepareData } from '../table/prepare'
import type { Table } from '../table/table'
import type { TrainConfig } from '../train/config'
import { prepareOptions } from '../train/fit-model'
import type { LeastSquaresFit, LeastSquaresInput } from './least-squares'
import { invertUpper, leastSquares } from './least-squares'
import type { ExactFitStatistics } from './regression-report'
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

/** Which rule each flag threshold follows (say which, as the issue asks). */
export const DIAGNOSTIC_RULES = { cooksD: '4/n', studentized: '|externally studentized| > 3', leverage: '2p/n' } as const

/** The columns of the per-row diagnostics file, shared by `slope train --diagnostics` and the Fit tab's save. */
export function diagnosticsHeader(terms: readonly string[], withDfbetas: boolean): string[] {
  return ['row', 'fitted', 'residual', 'leverage', 'studentized', 'studentized_external', 'cooks_d', 'dffits', ...(withDfbetas ? terms.map((t) => `dfbetas_${t}`) : []), 'flags']
}

/** Which thresholds row i exceeds, as the file's `flags` cell lists them. */
export function rowFlags(diag: Pick<RowDiagnostics, 'cooksD' | 'studentizedExternal' | 'leverage' | 'thresholds'>, i: number): string[] {
  const { cooksD, studentized, leverage } = diag.thresholds
  const flags: string[] = []
  if (diag.cooksD[i]! > cooksD) flags.push('cooks_d')
  if (Math.abs(diag.studentizedExternal[i]!) > studentized) flags.push('studentized')
  if (diag.leverage[i]! > leverage) flags.push('leverage')
  return flags
}

/** Row i of the diagnostics file in `diagnosticsHeader`'s order; a non-finite figure (a row with leverage 1) is an empty cell (null). */
export function diagnosticsCells(diag: Omit<RowDiagnostics, 'thresholds'> & Pick<RowDiagnostics, 'thresholds'>, rowNumber: number, i: number, p: number): (number | string | null)[] {
  const cells: (number | string | null)[] = [
    rowNumber,
    diag.fitted[i]!,
    diag.residual[i]!,
    diag.leverage[i]!,
    diag.studentized[i]!,
    diag.studentizedExternal[i]!,
    diag.cooksD[i]!,
    diag.dffits[i]!,
    ...(diag.dfbetas ? Array.from(diag.dfbetas.subarray(i * p, (i + 1) * p)) : []),
  ].map((v) => (Number.isFinite(v) ? v : null))
  cells.push(rowFlags(diag, i).join(' '))
  return cells
}

/** A run's per-row diagnostics as the `models.diagnostics` request answers them (columnar, training rows only). */
export interface RunDiagnostics extends RowDiagnostics {
  /** Term names in coefficient order, the intercept first (as `(intercept)`) when the model has one. */
  terms: string[]
  /** Spreadsheet row number of each training row. */
  rowNumber: Float64Array
  rules: typeof DIAGNOSTIC_RULES
  dfResidual: number
  /** The added-variable plot of one feature when asked: x = residual of the feature on the other terms, y = residual of the target on them. */
  addedVariable: { feature: string; x: Float64Array; y: Float64Array } | null
}

/**
 * Partial-regression (added-variable) residuals of feature j: both y and xⱼ regressed on every other
 * term; by the Frisch–Waugh–Lovell theorem the slope of y-residual on x-residual is the full fit's wⱼ.
 */
export function addedVariable(input: LeastSquaresInput, j: number): { x: Float64Array; y: Float64Array } {
  const { X, y, features, intercept } = input
  const n = y.length
  const d = features.length
  const others = features.filter((_, k) => k !== j)
  const Xo = new Float64Array(n * (d - 1))
  const xj = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let c = 0
    for (let k = 0; k < d; k++) {
      if (k === j) xj[i] = X[i * d + k]!
      else Xo[i * (d - 1) + c++] = X[i * d + k]!
    }
  }
  const residualOf = (target: Float64Array) => {
    const out = new Float64Array(n)
    if (others.length === 0 && !intercept) {
      out.set(target)
      return out
    }
    const fit = leastSquares({ X: Xo, y: target, features: others, intercept })
    for (let i = 0; i < n; i++) {
      let f = fit.intercept
      for (let k = 0; k < d - 1; k++) f += fit.weights[k]! * Xo[i * (d - 1) + k]!
      out[i] = target[i]! - f
    }
    return out
  }
  return { x: residualOf(xj), y: residualOf(y) }
}

/**
 * The per-row diagnostics of a stored least-squares run: its training rows prepared again exactly
 * as the run prepared them (same missing policy and seeded split), under its fitted coefficients.
 * One implementation for `slope train --diagnostics` and the Fit tab. O(n·p²).
 */
export function diagnosticsOfRun(
  table: Table,
  run: { name: string; target: string; features: readonly string[]; config: TrainConfig; outcome: { statistics: ExactFitStatistics | null } | null },
  options: { dfbetas?: boolean; addedVariable?: string } = {},
): RunDiagnostics {
  if (run.config.solver !== 'lstsq') {
    throw new InputError(
      `Run "${run.name}" was trained by gradient descent: the per-row diagnostics assume the least-squares estimate, which its parameters are not.`,
      'Train the exact fit (solver: least squares) on the same data and open it on the Fit tab.',
    )
  }
  const fit = run.outcome?.statistics
  if (!fit) throw new InputError(`Run "${run.name}" has no exact fit yet.`, 'Open it once it has finished.')
  const prepared = prepareData(table, prepareOptions(run.config, run.target, run.features.length ? run.features : undefined))
  const { train } = prepared
  const input = { X: train.X, y: train.y, features: prepared.features, intercept: run.config.intercept }
  const diag = rowDiagnostics(input, fit, { dfbetas: options.dfbetas ?? true })
  const rowNumber = Float64Array.from(train.sourceRows, (r) => table.rowNumber(r))
  let av: RunDiagnostics['addedVariable'] = null
  if (options.addedVariable !== undefined) {
    const j = prepared.features.indexOf(options.addedVariable)
    if (j < 0) throw new InputError(`Run "${run.name}" has no feature "${options.addedVariable}".`, `Choose one of ${prepared.features.map((f) => `"${f}"`).join(', ')}.`)
    av = { feature: options.addedVariable, ...addedVariable(input, j) }
  }
  return {
    ...diag,
    terms: run.config.intercept ? [INTERCEPT_KEY, ...prepared.features] : [...prepared.features],
    rowNumber,
    rules: DIAGNOSTIC_RULES,
    dfResidual: train.rows - fit.parameters,
    addedVariable: av,
  }
}
