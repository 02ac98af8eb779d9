import type { DatasetData } from '../../../src-core/contract'
import { byCodePoint } from '../../../src-core/table/one-hot'
import { quoteName } from '../../../src-core/formula/formula-syntax'
import { formulaTerms, type FormulaColumns } from '../../../src-core/formula/formula-terms'

/**
 * The Data tab's term builder works on the formula's text: each button appends a term written as
 * patsy writes it (`log(x)`, `I(x ^ 2)`, `a:b`, `C(c, Treatment("北京"))`), so what the buttons make
 * and what the analyst types are one thing, checked by the core parser (formula-terms.ts).
 */

export type Transform = 'log' | 'log10' | 'sqrt' | 'square' | 'poly' | 'scale' | 'center'
export const TRANSFORMS: readonly Transform[] = ['log', 'log10', 'sqrt', 'square', 'poly', 'scale', 'center']

/** The formula of today's picks: `target ~ f1 + f2 + …` (with `- 1` when the intercept is off). */
export function formulaOfPicks(target: string, features: readonly string[], intercept = true): string {
  const rhs = features.length ? features.map(quoteName).join(' + ') : '1'
  return `${quoteName(target)} ~ ${rhs}${intercept ? '' : ' - 1'}`
}

export function transformTerm(column: string, transform: Transform, degree = 2): string {
  const c = quoteName(column)
  if (transform === 'square') return `I(${c} ^ 2)`
  if (transform === 'poly') return `poly(${c}, ${degree})`
  return `${transform}(${c})`
}

/** `a:b` (the product only) or `a*b` (= a + b + a:b). */
export function interactionTerm(a: string, b: string, crossed: boolean): string {
  return `${quoteName(a)}${crossed ? ' * ' : ':'}${quoteName(b)}`
}

/** A factor; with a reference level, treatment coding against it (text levels quoted, numbers bare). */
export function factorTerm(column: string, reference: string | number | null = null): string {
  const c = quoteName(column)
  if (reference === null) return `C(${c})`
  const level = typeof reference === 'number' ? String(reference) : JSON.stringify(reference)
  return `C(${c}, Treatment(${level}))`
}

/** Appends a term to the right-hand side (before a trailing `- 1`, so the intercept stays dropped). */
export function addTerm(formula: string, term: string): string {
  const text = formula.trim()
  const dropped = /\s*[-]\s*1\s*$/.exec(text)
  const body = dropped ? text.slice(0, dropped.index) : text
  const joined = /~\s*$/.test(body) ? `${body} ${term}` : `${body} + ${term}`
  return dropped ? `${joined} - 1` : joined
}

/** Whether the formula drops the intercept (`- 1` or `+ 0` anywhere on the right). */
export function dropsIntercept(formula: string): boolean {
  return /[-]\s*1(?![\d.])|\+\s*0(?![\d.])/.test(formula.slice(formula.indexOf('~') + 1))
}

export function setIntercept(formula: string, on: boolean): string {
  if (on) return formula.replace(/\s*-\s*1(?![\d.])|\s*\+\s*0(?![\d.])/g, '').trim()
  return dropsIntercept(formula) ? formula : `${formula.trim()} - 1`
}

/** What a formula may name on this dataset: its numeric columns and its text columns (as factors). */
export function datasetFormulaColumns(data: Pick<DatasetData, 'columns'> & { textColumns?: { name: string }[] }): FormulaColumns {
  const text = new Set((data.textColumns ?? []).map((c) => c.name))
  const numeric = new Set(data.columns)
  return {
    names: [...data.columns, ...[...text].filter((n) => !numeric.has(n))],
    kindOf: (name) => (numeric.has(name) ? 'number' : text.has(name) ? 'text' : undefined),
  }
}

export type FormulaCheck = { ok: true; response: string | null; terms: string[]; intercept: boolean; columns: string[] } | { ok: false; sentence: string }

/** The parser's verdict as the analyst types: the terms it expands to, or its one sentence (with position and hint). */
export function checkFormula(text: string, columns: FormulaColumns): FormulaCheck {
  try {
    const parsed = formulaTerms(text, columns)
    const used = [...new Set([...(parsed.response?.columns ?? []), ...parsed.terms.flatMap((t) => t.factors.flatMap((f) => f.columns))])]
    return { ok: true, response: parsed.response?.name ?? null, terms: parsed.terms.map((t) => t.name), intercept: parsed.intercept, columns: used }
  } catch (e) {
    const error = e as { message?: string; hint?: string }
    return { ok: false, sentence: [error.message, error.hint].filter(Boolean).join(' ') }
  }
}

/**
 * The target and features a formula implies, so the rest of the app and older readers see the same
 * model: its response's column (for log(y): y; else the first numeric column it reads) and the other
 * numeric columns it reads, in the file's order. Null when it reads no numeric column.
 */
export function formulaSelection(check: Extract<FormulaCheck, { ok: true }>, numeric: readonly string[]): { target: string; features: string[] } | null {
  const target = check.response !== null && numeric.includes(check.response) ? check.response : check.columns.find((n) => numeric.includes(n))
  if (target === undefined) return null
  return { target, features: numeric.filter((n) => n !== target && check.columns.includes(n)) }
}

/** A factor's levels: the text column's (code-point order), or a numeric column's distinct values, ascending. */
export function factorLevels(data: Pick<DatasetData, 'columns' | 'data'> & { textColumns?: { name: string; levels: string[] }[] }, column: string): (string | number)[] {
  const text = data.textColumns?.find((c) => c.name === column)
  if (text) return [...text.levels].sort(byCodePoint)
  const i = data.columns.indexOf(column)
  if (i < 0) return []
  const distinct = new Set<number>()
  for (const v of data.data[i]!) if (!Number.isNaN(v)) distinct.add(v)
  return [...distinct].sort((a, b) => a - b)
}
