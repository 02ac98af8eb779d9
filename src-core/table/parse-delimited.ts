import Papa from 'papaparse'
import { InputError } from '../errors'
import { parseCell } from './parse-number'
import { Table, type ExcludedColumn } from './table'

export interface ParsedFile {
  table: Table
  encoding: string
  delimiter: string
  /** Data rows (the header excluded). */
  rows: number
}

/** Original text kept per column for messages about non-numeric cells; more is never shown. */
const CELL_TEXT_PER_COLUMN = 20

/**
 * CSV/TSV bytes → numeric Table. Header in the first row; the delimiter is sniffed by papaparse
 * among , ; tab | ; a column is numeric when most of its non-empty cells are numbers — the
 * others become missing (NaN) and their text is kept so messages can quote them.
 */
export function parseDelimited(bytes: Uint8Array, fileName: string): ParsedFile {
  const { text, encoding } = decodeText(bytes, fileName)
  if (text.trim().length === 0) {
    throw new InputError(`${fileName} is empty.`, 'Choose a file with a header row and at least two data rows.', { file: fileName })
  }
  // Sniff on the first rows without blank lines (papaparse's guesser counts a trailing blank line
  // against every candidate), then parse everything keeping blank lines, so that record k is
  // spreadsheet row k + 1 in every message.
  const sniffed = Papa.parse<string[]>(text, { preview: 100, skipEmptyLines: 'greedy', delimitersToGuess: [',', '\t', ';', '|'] })
  const result = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false, delimiter: sniffed.meta.delimiter })
  const quoteError = result.errors.find((e) => e.type === 'Quotes')
  if (quoteError) {
    const row = (quoteError.row ?? 0) + 1
    throw new InputError(
      `${fileName} has a quoted field that never closes (starting in row ${row.toLocaleString('en-US')}).`,
      'Fix the quotes in the file (a field that contains the delimiter must be wrapped in "…").',
      { file: fileName, row },
    )
  }
  const records = result.data
  while (records.length > 0 && isBlank(records[records.length - 1]!)) records.pop()
  const header = records[0] ?? []
  const names = uniqueNames(header)
  const rows = records.length - 1
  if (rows < 1) {
    throw new InputError(`${fileName} has a header row but no data rows.`, 'Add data rows below the header.', { file: fileName })
  }
  const width = names.length
  for (let r = 1; r < records.length; r++) {
    if (isBlank(records[r]!)) records[r] = new Array<string>(width).fill('') // an empty row: all cells missing
    if (records[r]!.length !== width) {
      throw new InputError(
        `${fileName}, row ${(r + 1).toLocaleString('en-US')} has ${records[r]!.length} fields but the header has ${width}.`,
        'Make every row have as many fields as the header (check for stray delimiters or missing quotes).',
        { file: fileName, row: r + 1 },
      )
    }
  }

  const kept: string[] = []
  const columns: Float64Array[] = []
  const cellText = new Map<number, Map<number, string>>()
  const excluded: ExcludedColumn[] = []
  for (let c = 0; c < width; c++) {
    const values = new Float64Array(rows)
    const texts = new Map<number, string>()
    let numbers = 0
    let others = 0
    let firstText: { row: number; text: string } | null = null
    for (let r = 0; r < rows; r++) {
      const raw = records[r + 1]![c]!
      const cell = parseCell(raw)
      if (cell.kind === 'number') {
        values[r] = cell.value
        numbers++
        continue
      }
      values[r] = NaN
      if (cell.kind === 'empty') continue
      others++
      firstText ??= { row: r + 2, text: raw }
      if (texts.size < CELL_TEXT_PER_COLUMN) texts.set(r, raw)
    }
    if (numbers === 0 && others === 0) {
      excluded.push({ name: names[c]!, reason: 'is empty' })
    } else if (numbers <= others) {
      excluded.push({ name: names[c]!, reason: `holds text (row ${firstText!.row.toLocaleString('en-US')}: "${clip(firstText!.text)}")` })
    } else {
      if (texts.size) cellText.set(kept.length, texts)
      kept.push(names[c]!)
      columns.push(values)
    }
  }
  return {
    table: new Table(kept, columns, { file: fileName, firstRowNumber: 2, cellText, excluded }),
    encoding,
    delimiter: result.meta.delimiter,
    rows,
  }
}

function isBlank(record: readonly string[]): boolean {
  return record.length === 1 && record[0]!.trim() === ''
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s
}

/** Empty or repeated header names become unique ("column 3", "x (2)"), in file order. */
export function uniqueNames(header: readonly string[]): string[] {
  const used = new Set<string>()
  return header.map((raw, i) => {
    const base = raw.trim() || `column ${i + 1}`
    let name = base
    for (let k = 2; used.has(name); k++) name = `${base} (${k})`
    used.add(name)
    return name
  })
}

function decodeText(bytes: Uint8Array, fileName: string): { text: string; encoding: string } {
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    throw new InputError(`${fileName} is a zip archive (an .xlsx or .ods spreadsheet?), not a text file.`, 'Save it as CSV from your spreadsheet program.', { file: fileName })
  }
  let offset = 0
  let encoding = 'utf-8'
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) offset = 3
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le'
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be'
  try {
    const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes.subarray(offset))
    if (text.includes('\u0000')) {
      throw new InputError(`${fileName} contains NUL bytes, so it is not a text table.`, 'Choose a CSV or TSV file.', { file: fileName })
    }
    return { text, encoding }
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(`${fileName} is not valid ${encoding.toUpperCase()} text.`, 'Save it as CSV UTF-8 from your spreadsheet program.', { file: fileName })
  }
}
