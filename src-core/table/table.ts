import { InputError } from '../errors'

export interface TableSource {
  file?: string
  /** Spreadsheet row number of data row 0 (2 when a header row precedes the data). */
  firstRowNumber?: number
  /** column index → (data row → original text) for cells that are NaN because they were not numbers. */
  cellText?: ReadonlyMap<number, ReadonlyMap<number, string>>
  /** Columns of the file that are not in the table, and why (e.g. they hold text). */
  excluded?: readonly ExcludedColumn[]
  /**
   * Where blank rows were skipped: pairs (data row index, rows skipped before it in total), by
   * index. Blank rows are not stored (a file of ten million empty lines must cost nothing), so
   * this keeps `rowNumber` the spreadsheet's row number after them.
   */
  rowGaps?: readonly (readonly [index: number, skipped: number])[]
}

export interface ExcludedColumn {
  name: string
  /** A sentence fragment: 'holds text (row 2: "Paris")', 'is empty'. */
  reason: string
}

/**
 * A columnar numeric table: one Float64Array per column, missing cells as NaN.
 * Columns are looked up by index or through `indexOf` (a Map), never as keys of a plain object,
 * because header names come from untrusted files ("__proto__" is a valid column name).
 */
export class Table {
  readonly rowCount: number
  private readonly index: Map<string, number>

  constructor(
    readonly names: readonly string[],
    readonly columns: readonly Float64Array[],
    /** Where the rows came from, so messages can say "file.csv, row 1,205". */
    readonly source: TableSource = {},
  ) {
    if (names.length !== columns.length) throw new Error(`Table: ${names.length} names for ${columns.length} columns`)
    this.rowCount = columns.length > 0 ? columns[0]!.length : 0
    for (const c of columns) {
      if (c.length !== this.rowCount) throw new Error('Table: columns differ in length')
    }
    this.index = new Map(names.map((n, i) => [n, i]))
    if (this.index.size !== names.length) throw new Error('Table: duplicate column names')
  }

  /** The row number a spreadsheet would show for data row `i` (0-based). */
  rowNumber(i: number): number {
    return spreadsheetRow(this.source, i)
  }

  /** The original text of a cell that did not parse as a number, where the parser kept it. */
  cellText(column: number, row: number): string | undefined {
    return this.source.cellText?.get(column)?.get(row)
  }

  get columnCount(): number {
    return this.names.length
  }

  indexOf(name: string): number {
    return this.index.get(name) ?? -1
  }

  has(name: string): boolean {
    return this.index.has(name)
  }

  /** The column called `name`; an InputError naming the available columns if there is none. */
  column(name: string): Float64Array {
    const i = this.index.get(name)
    if (i === undefined) {
      const excluded = this.source.excluded?.find((c) => c.name === name)
      if (excluded) {
        throw new InputError(
          `Column "${name}" ${excluded.reason}, so it cannot be used as a number.`,
          'Pick a numeric column, or fix the column in the file.',
          { file: this.source.file, column: name },
        )
      }
      throw new InputError(
        `There is no column "${name}"${this.source.file ? ` in ${this.source.file}` : ''}.`,
        `Numeric columns are: ${this.names.map((n) => `"${n}"`).join(', ')}.`,
        { file: this.source.file, column: name },
      )
    }
    return this.columns[i]!
  }

  /** A table with only the given columns, in that order (data shared, not copied). */
  selectColumns(names: readonly string[]): Table {
    const picked = names.map((n) => this.indexOf(n))
    const cellText = this.source.cellText
    return new Table(
      names,
      names.map((n) => this.column(n)),
      {
        ...this.source,
        cellText: cellText && new Map(picked.flatMap((from, to) => (cellText.has(from) ? [[to, cellText.get(from)!]] : []))),
      },
    )
  }

}

/** The spreadsheet row of data row `i` (0-based): what Table.rowNumber says, for code holding only the source. */
export function spreadsheetRow(source: Pick<TableSource, 'firstRowNumber' | 'rowGaps'>, i: number): number {
  return (source.firstRowNumber ?? 1) + i + skippedBefore(source.rowGaps, i)
}

/** Blank rows skipped before data row `i`: the last gap at or before `i` (binary search). */
function skippedBefore(gaps: TableSource['rowGaps'], i: number): number {
  if (!gaps?.length) return 0
  let lo = 0
  let hi = gaps.length - 1
  if (gaps[0]![0] > i) return 0
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (gaps[mid]![0] <= i) lo = mid
    else hi = mid - 1
  }
  return gaps[lo]![1]
}
