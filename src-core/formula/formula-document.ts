import type { ModelDocument } from '../model-file'
import type { BackTransform, FormulaDesign, FormulaState } from './design-matrix'

export type FormulaDocument = NonNullable<ModelDocument['formula']>

/** The model file's `formula`: the text and what prediction must remember (levels, scale()/center() statistics). */
export function formulaDocument(design: FormulaDesign): FormulaDocument {
  return {
    text: design.formula,
    response_column: design.response?.column ?? null,
    back_transform: design.response?.backTransform ?? null,
    terms: design.columns.map((c) => ({
      name: c.name,
      term: c.term,
      factors: c.factors.map((f) => (f.kind === 'numeric' ? { kind: 'numeric' as const, name: f.name, columns: f.columns } : { kind: 'level' as const, name: f.name, column: f.column, level: f.level })),
    })),
    factors: design.state.factors.map((f) => ({ name: f.name, levels: [...f.levels], reference: f.reference })),
    transforms: design.state.transforms.map((t) => ({ ...t })),
  }
}

export function formulaStateOf(formula: FormulaDocument): FormulaState {
  return { factors: formula.factors, transforms: formula.transforms }
}

/**
 * A prediction of the response taken back to its column's units: exp(log ŷ) is the median of y
 * given x (not the mean, which would need the residual variance), 10^, 2^, expm1, squaring sqrt,
 * log of exp, and undoing center()/scale() with the training statistics.
 */
export function backTransform(kind: BackTransform, value: number, responseName: string, formula: FormulaDocument): number {
  const stats = formula.transforms.find((t) => t.name === responseName)
  switch (kind) {
    case 'exp':
      return Math.exp(value)
    case 'pow10':
      return 10 ** value
    case 'pow2':
      return 2 ** value
    case 'expm1':
      return Math.expm1(value)
    case 'square':
      return value * value
    case 'log':
      return Math.log(value)
    case 'uncenter':
      return value + (stats?.mean ?? NaN)
    case 'unscale':
      return value * (stats?.scale ?? NaN) + (stats?.mean ?? NaN)
  }
}
