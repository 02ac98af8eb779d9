import { buildDesign, type FormulaState } from '../../../src-core/formula/design-matrix'
import { formulaTerms } from '../../../src-core/formula/formula-terms'
import type { LoadedModel } from '../../../src-core/model-file'
import { predictWithModel } from '../../../src-core/model/predict-with-model'
import type { IntervalKind } from '../../../src-core/model/prediction-interval'
import { Table } from '../../../src-core/table/table'

/** A formula model in original units: one weight per design column (in the design's order), and the intercept. */
export interface FormulaModel {
  formula: string
  weights: readonly number[]
  intercept: number
  state: FormulaState
}

/** Points on the x grid: enough for a degree-10 polynomial to look smooth at the plot's width. */
const GRID = 200

/**
 * The one column a formula's terms are all functions of (x, I(x ^ 2), poly(x, 3), log(x)…), or null
 * when they read several columns, a factor, or nothing: only then is its fit a curve over x.
 */
export function curveColumn(formula: string, columns: readonly string[]): string | null {
  try {
    const terms = formulaTerms(formula, { names: columns, kindOf: (n) => (columns.includes(n) ? 'number' : undefined) }, true)
    const read = new Set(terms.terms.flatMap((t) => t.factors.flatMap((f) => (f.type === 'numeric' ? f.columns : ['\u0000factor']))))
    return read.size === 1 && !read.has('\u0000factor') ? [...read][0]! : null
  } catch {
    return null
  }
}

/**
 * The fitted curve over [lo, hi]: the formula evaluated on an x grid by the same design builder
 * training used (so I(x ^ 2), poly and scale mean the same here), then ŷ = b + Σ wⱼ·Xⱼ. The grid
 * spans the training data's x, where every term was defined.
 */
export function formulaCurve(model: FormulaModel, column: string, lo: number, hi: number, points = GRID): { x: number; y: number }[] {
  const x = Float64Array.from({ length: points }, (_, i) => (points === 1 ? lo : lo + ((hi - lo) * i) / (points - 1)))
  const design = buildDesign(model.formula, { table: new Table([column], [x]), textColumns: new Map() }, model.state)
  const out: { x: number; y: number }[] = []
  for (let i = 0; i < points; i++) {
    let y = model.intercept
    for (let j = 0; j < design.values.length; j++) y += model.weights[j]! * design.values[j]![i]!
    if (Number.isFinite(y)) out.push({ x: x[i]!, y })
  }
  return out
}

/** A band's two edges on the x grid. */
export interface CurveBand {
  lower: { x: number; y: number }[]
  upper: { x: number; y: number }[]
}

/**
 * The confidence or prediction band around a one-column formula's fitted curve: the x grid goes
 * through predictWithModel — `slope predict --interval`'s own code — as a one-column data file, so
 * the model's formula builds each grid point's design row (x, x², poly…) and its covariance,
 * df_residual and residual_sd give the interval exactly as for a predicted file. Throws the model's
 * InputError when it has no intervals (a gradient-descent model) or the level is out of range.
 */
export function formulaBand(model: LoadedModel, column: string, lo: number, hi: number, kind: IntervalKind, level: number, points = GRID): CurveBand {
  const x = Float64Array.from({ length: points }, (_, i) => (points === 1 ? lo : lo + ((hi - lo) * i) / (points - 1)))
  const result = predictWithModel({ table: new Table([column], [x]), textColumns: new Map(), columns: [] }, model, { kind, level })
  const band: CurveBand = { lower: [], upper: [] }
  const { lower, upper } = result.interval!
  for (let i = 0; i < points; i++) {
    if (!Number.isFinite(lower[i]!) || !Number.isFinite(upper[i]!)) continue
    band.lower.push({ x: x[i]!, y: lower[i]! })
    band.upper.push({ x: x[i]!, y: upper[i]! })
  }
  return band
}
