import { InputError } from '../errors'
import type { Table } from './table'

export type MissingPolicy = 'error' | 'drop' | 'mean'

export interface MissingReport {
  policy: MissingPolicy
  /** Rows removed because a used cell was missing (all of them under 'drop'; target gaps under 'mean'). */
  droppedRows: number
  /** Under 'mean': per feature, how many cells were filled and with which training mean. */
  imputed: { column: string; cells: number; value: number }[]
}

/** Describes the first missing or non-numeric cell of `column` among `rows`, for messages. */
export function describeBadCell(table: Table, columnIndex: number, row: number): string {
  const text = table.cellText(columnIndex, row)
  const where = `${table.source.file ? `${table.source.file}, ` : ''}row ${table.rowNumber(row).toLocaleString('en-US')}`
  const name = table.names[columnIndex]
  return text === undefined ? `Column "${name}" has an empty cell (${where}).` : `Column "${name}" has ${describeText(text)} (${where}).`
}

function describeText(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text
  return /^[+-]?(inf(inity)?|nan)$/i.test(text.trim()) || /e\+?\d{3,}/i.test(text)
    ? `a value that is not a finite number ("${shown}")`
    : `text where a number belongs ("${shown}")`
}

/**
 * Rows of `rows` that survive the policy for the used columns. 'error' throws at the first bad
 * cell (row order, then column order) naming file, row and column; 'drop' keeps complete rows;
 * 'mean' drops only rows whose target is missing (a target cannot be imputed honestly) — the
 * feature gaps are filled later with training-row means, see `imputeMeans`.
 */
export function rowsPassingPolicy(
  table: Table,
  target: number,
  features: readonly number[],
  policy: MissingPolicy,
): { rows: Uint32Array; dropped: number } {
  const checked = policy === 'mean' ? [target] : [target, ...features]
  const keep = new Uint32Array(table.rowCount)
  let kept = 0
  for (let i = 0; i < table.rowCount; i++) {
    let ok = true
    for (const c of checked) {
      if (Number.isNaN(table.columns[c]![i]!)) {
        if (policy === 'error') {
          throw new InputError(
            describeBadCell(table, c, i),
            'Choose {0} or {1}, or fix the cell.',
            { file: table.source.file, row: table.rowNumber(i), column: table.names[c] },
            [{ setting: 'missing', value: 'drop' }, { setting: 'missing', value: 'mean' }],
          )
        }
        ok = false
        break
      }
    }
    if (ok) keep[kept++] = i
  }
  return { rows: keep.slice(0, kept), dropped: table.rowCount - kept }
}

/** Training-row means of each feature, used to fill its missing cells. */
export function featureMeans(table: Table, features: readonly number[], trainRows: Uint32Array): number[] {
  return features.map((c) => {
    const col = table.columns[c]!
    let sum = 0
    let count = 0
    for (const r of trainRows) {
      const v = col[r]!
      if (!Number.isNaN(v)) {
        sum += v
        count++
      }
    }
    if (count === 0) {
      throw new InputError(
        `Feature "${table.names[c]}" has no values in the training rows, so there is no mean to impute.`,
        'Remove it from the features.',
        { column: table.names[c] },
      )
    }
    return sum / count
  })
}
