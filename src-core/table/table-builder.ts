import { InputError } from '../errors'
import type { Cell } from './cell-value'
import { BuiltColumns } from './built-columns'
import type { ColumnStats } from './column-stats'
import { findHeaderRow, HEADER_SEARCH_ROWS, uniqueNames } from './header-row'
import type { ImportLimits } from './import-limits'
import type { Table } from './table'

export type ColumnType = 'number' | 'text' | 'date' | 'empty'

export interface ColumnReport {
  name: string
  /** The header cell as written, when it was empty or repeated and had to be renamed. */
  renamedFrom: string | null
  type: ColumnType
  /** Empty cells. */
  missing: number
  /** Cells of a number or date column that are something else (text, `inf`, a date among numbers); missing in the table. */
  nonNumeric: number
  /** The first such cell: spreadsheet row and its text. */
  firstNonNumeric: { row: number; text: string } | null
  /** Number and date columns: statistics of the values (dates as serial day numbers). */
  stats: ColumnStats | null
  /** Text columns: distinct non-empty values, or null when there are more than MAX_TRACKED_LEVELS. */
  distinct: number | null
}

/** A text column dictionary-encoded, for one-hot encoding. */
export interface TextColumn {
  /** Distinct values in order of first appearance. */
  levels: string[]
  /** Per data row: index into `levels`, −1 for an empty cell. */
  codes: Int32Array
}

export interface BuiltTable {
  /** Number and date columns. */
  table: Table
  columns: ColumnReport[]
  /** Text columns with at most MAX_TRACKED_LEVELS distinct values, by name. */
  textColumns: Map<string, TextColumn>
  /** Spreadsheet row of the header, or null when the data has none (names are "column 1" …). */
  headerRow: number | null
  rows: number
  notes: string[]
}

/**
 * Distinct values remembered per text column; a column with more is kept as no factor (nor one-hot
 * candidate) and the import's notes say so. 10,000 keeps a ZIP code or a product code, and costs
 * little: while reading, 4 bytes a row (the codes, tracked in any case until the limit is passed)
 * plus the distinct strings; stored with the dataset, 8 bytes a row (Float64 codes) and the levels.
 * A factor's real cost is in the design: k levels make k − 1 columns of 8 bytes a row.
 */
export const MAX_TRACKED_LEVELS = 10_000
/** Original texts kept per column for messages about non-numeric cells; more are never shown. */
const CELL_TEXT_PER_COLUMN = 20

const KIND_EMPTY = 0
const KIND_NUMBER = 1
const KIND_DATE = 2
const KIND_TEXT = 3

/** A row as a parser hands it over: classified cells, and the raw texts when the source is text. */
export interface SourceRow {
  cells: readonly Cell[]
  /** Raw cell texts (CSV); null for workbooks, whose cells are typed. */
  raw: readonly string[] | null
  /** Row number as the spreadsheet shows it (1-based). */
  rowNumber: number
}

/**
 * Rows in, typed columns out. Buffers the first rows to find the header, then grows one
 * Float64Array per column plus a byte of cell kind per row, so that the column's type can be
 * decided at the end by majority and the cells of other kinds turned into missing values with
 * their count and first location reported — never silently.
 */
export class TableBuilder {
  private pending: SourceRow[] | null = []
  private nonBlankPending = 0
  private width = 0
  private names: string[] = []
  private headerTexts: string[] = []
  private headerRow: number | null = null
  private firstDataRow = 0
  private rowCount = 0
  private capacity = 0
  private values: Float64Array[] = []
  private kinds: Uint8Array[] = []
  private texts: Map<number, string>[] = []
  private levelIndex: (Map<string, number> | null)[] = []
  private codes: (Int32Array | null)[] = []
  private readonly notes: string[] = []
  /** Blank rows skipped inside the data: (data row index, skipped before it in total). */
  private readonly rowGaps: [number, number][] = []
  private skipped = 0

  constructor(
    private readonly fileName: string,
    private readonly limits: ImportLimits,
    /** Text sources must have rows as wide as the header; workbooks pad rows themselves. */
    private readonly checkWidth: boolean,
  ) {}

  get rows(): number {
    return this.rowCount
  }

  /**
   * A blank row (every cell empty) is never stored, anywhere in the file: ten million empty lines
   * must cost nothing. Rows after it keep their spreadsheet numbers through `rowGaps`.
   */
  addRow(row: SourceRow): void {
    if (isBlank(row.cells)) return
    if (this.pending) {
      this.pending.push(row)
      this.nonBlankPending++
      if (this.nonBlankPending >= HEADER_SEARCH_ROWS) this.startColumns()
      return
    }
    this.appendRow(row)
  }

  finish(): BuiltTable {
    if (this.pending) this.startColumns()
    if (this.names.length === 0) {
      throw new InputError(`${this.fileName} is empty.`, 'Choose a file with a header row and at least two data rows.', { file: this.fileName })
    }
    if (this.rowCount === 0) {
      throw new InputError(`${this.fileName} has a header row but no data rows.`, 'Add data rows below the header.', { file: this.fileName, row: this.headerRow ?? undefined })
    }
    const n = this.rowCount
    const built = new BuiltColumns()
    let droppedEmpty = 0
    for (let c = 0; c < this.width; c++) {
      const kinds = this.kinds[c]!
      const counts = [0, 0, 0, 0]
      for (let r = 0; r < n; r++) counts[kinds[r]!]!++
      const [empty, numbers, dates, texts] = counts as [number, number, number, number]
      const type: ColumnType =
        numbers + dates + texts === 0 ? 'empty' : dates > numbers && dates > texts ? 'date' : numbers > texts + dates ? 'number' : 'text'
      if (type === 'empty' && this.headerTexts[c]!.trim() === '') {
        droppedEmpty++ // an unnamed column without data carries nothing (a formatted-but-empty sheet column)
        continue
      }
      const name = this.names[c]!
      const report = built.report({
        name,
        renamedFrom: this.headerRow !== null && name !== this.headerTexts[c]!.trim() ? this.headerTexts[c]! : null,
        type,
        missing: empty,
        nonNumeric: 0,
        firstNonNumeric: null,
        stats: null,
        distinct: null,
      })
      if (type === 'number' || type === 'date') {
        const keep = type === 'number' ? KIND_NUMBER : KIND_DATE
        const values = this.values[c]!.subarray(0, n)
        const shown = new Map<number, string>()
        for (let r = 0; r < n; r++) {
          const k = kinds[r]!
          if (k === KIND_EMPTY || k === keep) continue
          report.nonNumeric++
          const text = k === KIND_TEXT ? (this.texts[c]!.get(r) ?? '') : describeValue(k, values[r]!)
          report.firstNonNumeric ??= { row: this.firstDataRow + r, text }
          if (shown.size < CELL_TEXT_PER_COLUMN) shown.set(r, text)
          values[r] = NaN
        }
        built.keep(report, values, shown)
      } else {
        const firstText = type === 'text' ? firstTextCell(kinds, this.texts[c]!, n) : null
        const index = this.levelIndex[c]
        built.exclude(
          report,
          firstText && { row: this.firstDataRow + firstText.index, text: firstText.text },
          type === 'text' && index ? { levels: [...index.keys()], codes: this.codes[c]!.subarray(0, n) } : null,
        )
      }
    }
    if (droppedEmpty) this.notes.push(`${droppedEmpty} empty column${droppedEmpty > 1 ? 's' : ''} without a header ignored`)
    this.pending = null
    const rowGaps = this.rowGaps.filter(([index]) => index < n)
    return built.result({ file: this.fileName, firstRowNumber: this.firstDataRow, headerRow: this.headerRow, rows: n, notes: this.notes, rowGaps })
  }

  private startColumns(): void {
    const rows = this.pending!
    this.pending = null
    const firstNonBlank = rows.findIndex((r) => !isBlank(r.cells))
    if (firstNonBlank < 0) return // nothing yet: finish() reports an empty file
    const candidates = rows.slice(firstNonBlank)
    const choice = findHeaderRow(candidates.map((r) => r.cells))
    const header = choice.headerIndex >= 0 ? candidates[choice.headerIndex]! : null
    const firstData = candidates[choice.dataIndex] ?? null
    const skipped = candidates.slice(0, choice.headerIndex >= 0 ? choice.headerIndex : choice.dataIndex).filter((r) => !isBlank(r.cells))
    if (skipped.length) {
      this.notes.push(
        `${skipped.length === 1 ? `row ${skipped[0]!.rowNumber}` : `rows ${skipped.map((r) => r.rowNumber).join(', ')}`} above the ${header ? 'header' : 'data'} skipped (title or notes)`,
      )
    }
    if (header) {
      this.headerTexts = header.cells.map((c, i) => header.raw?.[i] ?? cellDisplay(c))
      // Trailing empty header cells of a text file ("a,b,") are columns too: their cells are checked.
      this.headerRow = header.rowNumber
    } else {
      const width = Math.max(...candidates.slice(choice.dataIndex).map((r) => r.cells.length))
      this.headerTexts = new Array<string>(width).fill('')
      this.notes.push('no header row found (the first row holds numbers): columns are named "column 1", "column 2", …')
    }
    this.width = this.headerTexts.length
    if (this.width > this.limits.maxColumns) {
      throw new InputError(
        `${this.fileName} has ${this.width.toLocaleString('en-US')} columns; Slope reads at most ${this.limits.maxColumns.toLocaleString('en-US')}.`,
        'Keep only the columns you need.',
        { file: this.fileName, row: header?.rowNumber },
      )
    }
    this.names = uniqueNames(this.headerTexts)
    if (!header) this.names = this.names.map((_, i) => `column ${i + 1}`)
    const renamed = this.names.filter((n, i) => header && n !== this.headerTexts[i]!.trim())
    if (renamed.length) this.notes.push(`renamed empty or repeated header names: ${renamed.map((n) => `"${n}"`).join(', ')}`)
    this.firstDataRow = firstData ? firstData.rowNumber : (header?.rowNumber ?? 0) + 1
    this.grow(Math.max(1024, rows.length))
    for (const r of candidates.slice(choice.dataIndex)) this.appendRow(r)
  }

  private grow(capacity: number): void {
    for (let c = 0; c < this.width; c++) {
      const values = new Float64Array(capacity)
      const kinds = new Uint8Array(capacity)
      if (this.values[c]) {
        values.set(this.values[c]!.subarray(0, this.rowCount))
        kinds.set(this.kinds[c]!.subarray(0, this.rowCount))
      }
      this.values[c] = values
      this.kinds[c] = kinds
      this.texts[c] ??= new Map()
      if (this.levelIndex[c] === undefined) this.levelIndex[c] = new Map()
      const codes = this.codes[c]
      if (codes) {
        const grown = new Int32Array(capacity)
        grown.set(codes.subarray(0, this.rowCount))
        this.codes[c] = grown
      } else if (this.codes[c] === undefined) {
        this.codes[c] = new Int32Array(capacity)
      }
    }
    this.capacity = capacity
  }

  private appendRow(row: SourceRow): void {
    const { cells, raw, rowNumber } = row
    const width = this.width
    if (this.checkWidth && cells.length !== width && !(cells.length === 1 && cells[0]!.kind === 'empty')) {
      const extraIsEmpty = cells.length > width && cells.slice(width).every((c) => c.kind === 'empty')
      if (!extraIsEmpty) {
        throw new InputError(
          `${this.fileName}, row ${rowNumber.toLocaleString('en-US')} has ${cells.length} fields but the header has ${width}.`,
          'Make every row have as many fields as the header (check for stray delimiters or missing quotes).',
          { file: this.fileName, row: rowNumber },
        )
      }
    }
    if ((this.rowCount + 1) * width > this.limits.maxCells) {
      throw new InputError(
        `${this.fileName} has more than ${this.limits.maxCells.toLocaleString('en-US')} cells (row ${rowNumber.toLocaleString('en-US')} × ${width} columns).`,
        'Keep only the rows and columns you need, or split the file.',
        { file: this.fileName, row: rowNumber },
      )
    }
    if (this.rowCount === this.capacity) this.grow(this.capacity * 2)
    const gap = rowNumber - (this.firstDataRow + this.rowCount + this.skipped)
    if (gap > 0) {
      // Blank rows (never stored) came before this one.
      this.skipped += gap
      this.rowGaps.push([this.rowCount, this.skipped])
    }
    const r = this.rowCount++
    // Rows of a text file may skip ahead (a blank line is one row); workbook rows come one by one.
    for (let c = 0; c < width; c++) {
      const cell = cells[c] ?? EMPTY_CELL
      const values = this.values[c]!
      switch (cell.kind) {
        case 'empty':
          values[r] = NaN
          this.kinds[c]![r] = KIND_EMPTY
          this.code(c, r, null)
          continue
        case 'number':
          values[r] = cell.value
          this.kinds[c]![r] = KIND_NUMBER
          break
        case 'date':
          values[r] = cell.value
          this.kinds[c]![r] = KIND_DATE
          break
        case 'text': {
          if (cell.text.length > this.limits.maxFieldChars) this.tooLong(rowNumber, c, cell.text.length)
          values[r] = NaN
          this.kinds[c]![r] = KIND_TEXT
          const texts = this.texts[c]!
          if (texts.size < CELL_TEXT_PER_COLUMN) texts.set(r, cell.text)
          break
        }
      }
      this.code(c, r, raw?.[c]?.trim() ?? cellDisplay(cell))
    }
  }

  private code(c: number, r: number, level: string | null): void {
    const index = this.levelIndex[c]
    if (!index) return
    if (level === null) {
      this.codes[c]![r] = -1
      return
    }
    let k = index.get(level)
    if (k === undefined) {
      if (index.size >= MAX_TRACKED_LEVELS) {
        this.levelIndex[c] = null // too many values for a category: stop tracking, free the codes
        this.codes[c] = null
        return
      }
      k = index.size
      index.set(level, k)
    }
    this.codes[c]![r] = k
  }

  private tooLong(rowNumber: number, c: number, length: number): never {
    throw new InputError(
      `${this.fileName}, row ${rowNumber.toLocaleString('en-US')}, column "${this.names[c]}" has a cell of ${length.toLocaleString('en-US')} characters; Slope reads cells up to ${this.limits.maxFieldChars.toLocaleString('en-US')}.`,
      'Shorten or remove that cell (is it a whole document pasted into one cell?).',
      { file: this.fileName, row: rowNumber, column: this.names[c] },
    )
  }
}

const EMPTY_CELL: Cell = { kind: 'empty' }

function isBlank(cells: readonly Cell[]): boolean {
  return cells.every((c) => c.kind === 'empty')
}

function firstTextCell(kinds: Uint8Array, texts: Map<number, string>, n: number): { index: number; text: string } {
  for (let r = 0; r < n; r++) if (kinds[r] === KIND_TEXT) return { index: r, text: texts.get(r) ?? '' }
  return { index: 0, text: '' }
}

/** The text a spreadsheet would show for a typed cell (dates as ISO 8601). */
export function cellDisplay(cell: Cell): string {
  switch (cell.kind) {
    case 'empty':
      return ''
    case 'number':
      return String(cell.value)
    case 'date':
      return serialToIso(cell.value)
    case 'text':
      return cell.text
  }
}

function describeValue(kind: number, value: number): string {
  return kind === KIND_DATE ? serialToIso(value) : String(value)
}

/** 45322 → "2024-01-31"; with a time of day when there is one. */
export function serialToIso(serial: number): string {
  const ms = Math.round((serial - 25569) * 86_400_000)
  const iso = new Date(ms).toISOString()
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ')
}

