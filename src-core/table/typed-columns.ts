import { InputError } from '../errors'
import { BuiltColumns } from './built-columns'
import { uniqueNames } from './header-row'
import type { ImportLimits } from './import-limits'
import { MAX_TRACKED_LEVELS, type BuiltTable, type TextColumn } from './table-builder'

/** The type a columnar file's schema gives a column; booleans arrive as the text TRUE/FALSE, as in workbooks. */
export type TypedColumnKind = 'number' | 'date' | 'text'

/** Original texts kept per column for messages about non-numeric cells (as TableBuilder keeps). */
const CELL_TEXT_PER_COLUMN = 20

/**
 * One column of a columnar source (Parquet) whose schema says its type, filled by position in
 * whole runs of values: no cell is classified and no row is assembled. `TypedColumns.finish()`
 * gives what TableBuilder gives for the same data: the same reports, missing and non-numeric
 * counts, text levels for one-hot encoding, and excluded columns with the reason.
 */
export class TypedColumn {
  /** Number and date columns: the values, NaN where missing or non-numeric. */
  readonly values: Float64Array | null
  missing = 0
  nonNumeric = 0
  firstNonNumeric: { index: number; text: string } | null = null
  /** Texts of non-numeric cells for messages (data row → text). */
  readonly shown = new Map<number, string>()
  private levelIndex: Map<string, number> | null = null
  private codes: Int32Array | null = null
  private firstText: { index: number; text: string } | null = null

  constructor(
    readonly name: string,
    readonly kind: TypedColumnKind,
    readonly rows: number,
  ) {
    this.values = kind === 'text' ? null : new Float64Array(rows).fill(NaN)
    if (kind === 'text') {
      this.levelIndex = new Map()
      this.codes = new Int32Array(rows).fill(-1)
    }
  }

  /** Data row `index` holds nothing (a null). */
  setMissing(index: number): void {
    this.missing++
    if (this.values) this.values[index] = NaN
  }

  /** A number or date (serial day number); NaN and ±Infinity are non-numeric cells, as in the other formats. */
  setValue(index: number, value: number): void {
    if (Number.isFinite(value)) {
      this.values![index] = value
      return
    }
    this.values![index] = NaN
    this.nonNumeric++
    const text = String(value)
    this.firstNonNumeric ??= { index, text }
    if (this.shown.size < CELL_TEXT_PER_COLUMN) this.shown.set(index, text)
  }

  /** A text cell; blank text is missing, as an empty spreadsheet cell is. */
  setText(index: number, text: string): void {
    if (text.trim() === '') return this.setMissing(index)
    this.firstText ??= { index, text }
    const levels = this.levelIndex
    if (!levels) return
    let k = levels.get(text)
    if (k === undefined) {
      if (levels.size >= MAX_TRACKED_LEVELS) {
        this.levelIndex = null // too many values for a category: stop tracking, free the codes
        this.codes = null
        return
      }
      k = levels.size
      levels.set(text, k)
    }
    this.codes![index] = k
  }

  /** The text column's levels and codes, when it has few enough distinct values. */
  textColumn(): TextColumn | null {
    return this.levelIndex && this.codes ? { levels: [...this.levelIndex.keys()], codes: this.codes } : null
  }

  get firstTextCell(): { index: number; text: string } | null {
    return this.firstText
  }
}

/** Typed columns → the BuiltTable every format's import produces. */
export function finishTypedColumns(
  columns: readonly TypedColumn[],
  where: { fileName: string; firstRowNumber: number; headerRow: number | null; notes: string[] },
): BuiltTable {
  const { fileName, firstRowNumber } = where
  const notes = [...where.notes]
  const rows = columns[0]?.rows ?? 0
  const names = uniqueNames(columns.map((c) => c.name))
  const renamed = names.filter((n, i) => n !== columns[i]!.name.trim())
  if (renamed.length) notes.push(`renamed empty or repeated column names: ${renamed.map((n) => `"${n}"`).join(', ')}`)
  const built = new BuiltColumns()
  columns.forEach((column, c) => {
    const name = names[c]!
    const filled = rows - column.missing - (column.kind === 'text' ? 0 : column.nonNumeric)
    // As in TableBuilder: a column without a single value is "empty", whatever the schema says.
    const type = filled === 0 && column.nonNumeric === 0 ? 'empty' : column.kind
    const report = built.report({
      name,
      renamedFrom: name !== column.name.trim() ? column.name : null,
      type,
      missing: column.missing,
      nonNumeric: type === 'empty' ? 0 : column.nonNumeric,
      firstNonNumeric: column.firstNonNumeric ? { row: firstRowNumber + column.firstNonNumeric.index, text: column.firstNonNumeric.text } : null,
      stats: null,
      distinct: null,
    })
    if (type === 'number' || type === 'date') {
      built.keep(report, column.values!, column.shown)
      return
    }
    const first = column.firstTextCell
    built.exclude(report, type === 'text' && first ? { row: firstRowNumber + first.index, text: first.text } : null, type === 'text' ? column.textColumn() : null)
  })
  if (rows === 0) {
    throw new InputError(`${fileName} has column names but no data rows.`, 'Choose a file that holds at least two rows of data.', { file: fileName })
  }
  return built.result({ file: fileName, firstRowNumber, headerRow: where.headerRow, rows, notes })
}

/** A text longer than the field cap, as TableBuilder reports it. */
export function fieldTooLong(fileName: string, rowNumber: number, column: string, length: number, limits: ImportLimits): InputError {
  return new InputError(
    `${fileName}, row ${rowNumber.toLocaleString('en-US')}, column "${column}" has a cell of ${length.toLocaleString('en-US')} characters; Slope reads cells up to ${limits.maxFieldChars.toLocaleString('en-US')}.`,
    'Shorten or remove that cell (is it a whole document pasted into one cell?).',
    { file: fileName, row: rowNumber, column },
  )
}

