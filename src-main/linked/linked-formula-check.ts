import { InputError } from '../../src-core/errors'
import { formulaTerms, type FormulaColumns, type FormulaTerms, type NumericFactor } from '../../src-core/formula/formula-terms'
import { isNumericType } from './linked-column-types'

/**
 * A formula checked against a linked dataset's columns, before any row is read — DuckDB-free, so
 * the training service (and with it every `slope train`) loads it without loading DuckDB's native
 * module; formula-chunks.ts streams the design.
 */

/** The file's columns as a formula sees them: numeric ones first, then text, as an import's (formulaColumns). */
export function linkedFormulaColumns(columns: readonly { name: string; type: string }[]): FormulaColumns {
  const numeric = columns.filter((c) => isNumericType(c.type)).map((c) => c.name)
  const text = columns.filter((c) => !isNumericType(c.type)).map((c) => c.name)
  return { names: [...numeric, ...text], kindOf: (name) => (numeric.includes(name) ? 'number' : text.includes(name) ? 'text' : undefined) }
}

/** The formula parsed against the linked columns: a bad formula or an unknown column is the same sentence as in memory. */
export function checkLinkedFormula(formula: string, columns: readonly { name: string; type: string }[]): FormulaTerms & { response: NumericFactor } {
  const terms = formulaTerms(formula, linkedFormulaColumns(columns))
  if (!terms.response) throw new InputError(`Formula "${formula}" has no response.`, 'Write the column to predict left of "~", e.g. y ~ x.')
  return terms as FormulaTerms & { response: NumericFactor }
}
