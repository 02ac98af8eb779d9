import { InputError } from '../errors'
import { Table } from './table'
import { MAX_TRACKED_LEVELS, type ColumnReport, type TextColumn } from './table-builder'

/** Most levels a one-hot encoded column may have: each becomes a feature. */
export const MAX_ONE_HOT_LEVELS = 100
/** `auto` encodes text columns with 2 … this many distinct values. */
export const AUTO_ONE_HOT_LEVELS = 20

/** How a model encoded a column (its document's `one_hot`). */
export interface TrainedEncoding {
  reference: string
  levels: readonly string[]
}

export interface OneHotEncoding {
  column: string
  /** The level without a column of its own: the reference the other coefficients compare to. */
  reference: string
  /** Levels with a 0/1 column, in column order. */
  levels: string[]
  /** The new columns' names: `column=level`. */
  names: string[]
  /** Rows whose value is not among the levels (prediction data only): missing in every new column. */
  unknownRows: number
}

export interface EncodableImport {
  table: Table
  textColumns: ReadonlyMap<string, TextColumn>
  columns: readonly ColumnReport[]
}

export function dummyName(column: string, level: string): string {
  return `${column}=${level}`
}

/** Code-point order, as Python sorts str (and so pandas' get_dummies orders its columns). */
export function byCodePoint(a: string, b: string): number {
  const x = [...a]
  const y = [...b]
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!
    if (d !== 0) return d
  }
  return x.length - y.length
}

/** Text columns `auto` picks: 2 … AUTO_ONE_HOT_LEVELS distinct values. */
export function autoOneHotColumns(imported: EncodableImport): string[] {
  return imported.columns.filter((c) => c.type === 'text' && c.distinct !== null && c.distinct >= 2 && c.distinct <= AUTO_ONE_HOT_LEVELS).map((c) => c.name)
}

/**
 * One-hot (dummy) encoding of text columns, as pandas' `get_dummies(drop_first=True)`: levels in
 * sorted order, the first is the reference and gets no column (keeping all would make the columns
 * sum to the intercept's column: an exactly collinear design). An empty cell is missing in every
 * new column, so the missing-value policy decides about that row — pandas would silently make it
 * the reference level.
 *
 * `trained` (prediction): encode exactly as the model was trained; a value the model never saw
 * makes the row's new columns missing instead of pretending it is the reference.
 */
export function oneHotEncode(
  imported: EncodableImport,
  columns: readonly string[],
  trained?: ReadonlyMap<string, TrainedEncoding>,
): { table: Table; encodings: OneHotEncoding[] } {
  const { table } = imported
  const names = [...table.names]
  const data = [...table.columns]
  const encodings: OneHotEncoding[] = []
  const encoded = new Set<string>()
  for (const column of columns) {
    if (encoded.has(column)) continue
    encoded.add(column)
    const text = imported.textColumns.get(column)
    if (!text) throw notEncodable(imported, column)
    const fixed = trained?.get(column)
    const present = text.levels // levels are recorded from data cells only, so each occurs
    let reference: string | null
    let levels: string[]
    if (fixed) {
      levels = [...fixed.levels]
      reference = fixed.reference
    } else {
      if (present.length > MAX_ONE_HOT_LEVELS) {
        throw new InputError(
          `Column "${column}" has ${present.length} distinct values; one-hot encoding makes a feature of each, and Slope allows at most ${MAX_ONE_HOT_LEVELS}.`,
          'Group rare values into fewer categories, or leave the column out.',
          { file: table.source.file, column },
        )
      }
      const sorted = [...present].sort(byCodePoint)
      if (sorted.length < 2) {
        throw new InputError(
          `Column "${column}" has ${sorted.length === 1 ? `only one value ("${sorted[0]}")` : 'no values'}, so one-hot encoding would give no feature.`,
          'Leave it out of {0}.',
          { file: table.source.file, column },
          [{ setting: 'oneHot' }],
        )
      }
      reference = sorted[0]!
      levels = sorted.slice(1)
    }
    const levelColumn = new Map(levels.map((l, j) => [l, j]))
    const known = new Set(fixed ? [fixed.reference, ...levels] : present)
    const codeToColumn = Int32Array.from(text.levels, (l) => (levelColumn.has(l) ? levelColumn.get(l)! : known.has(l) ? -1 : -2))
    const rows = text.codes.length // not table.rowCount: a file of text columns only has a table without columns
    const dummies = levels.map(() => new Float64Array(rows))
    let unknownRows = 0
    for (let r = 0; r < rows; r++) {
      const code = text.codes[r]!
      const target = code < 0 ? -3 : codeToColumn[code]!
      if (target === -2 && fixed) unknownRows++
      // −1: the reference (all zeros); −2: unseen level; −3: empty cell — both missing.
      if (target <= -2) for (const d of dummies) d[r] = NaN
      else if (target >= 0) dummies[target]![r] = 1
    }
    const newNames = levels.map((l) => dummyName(column, l))
    for (const n of newNames) {
      if (names.includes(n)) {
        throw new InputError(`One-hot encoding "${column}" would make a column "${n}", but the file already has one.`, 'Rename that column in the file.', { file: table.source.file, column: n })
      }
    }
    names.push(...newNames)
    data.push(...dummies)
    encodings.push({ column, reference, levels, names: newNames, unknownRows })
  }
  const excluded = (table.source.excluded ?? []).filter((e) => !encoded.has(e.name))
  return { table: new Table(names, data, { ...table.source, excluded }), encodings }
}

function notEncodable(imported: EncodableImport, column: string): InputError {
  const report = imported.columns.find((c) => c.name === column)
  const textColumns = imported.columns.filter((c) => c.type === 'text').map((c) => `"${c.name}"`)
  const file = imported.table.source.file
  if (!report) {
    return new InputError(
      `There is no column "${column}"${file ? ` in ${file}` : ''} to one-hot encode.`,
      textColumns.length ? `Text columns are: ${textColumns.join(', ')}.` : 'The file has no text columns.',
      { file, column },
    )
  }
  if (report.type === 'text') {
    return new InputError(
      `Column "${column}" has more than ${MAX_TRACKED_LEVELS.toLocaleString('en-US')} distinct values, too many to one-hot encode.`,
      'Group its values into fewer categories, or leave it out.',
      { file, column },
    )
  }
  return new InputError(
    `Column "${column}" is ${report.type === 'empty' ? 'empty' : `a ${report.type} column`}; one-hot encoding is for text columns with a few distinct values.`,
    report.type === 'empty' ? 'Leave it out of {0}.' : 'Use it as a feature directly.',
    { file, column },
    [{ setting: 'oneHot' }],
  )
}
