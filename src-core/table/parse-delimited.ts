import Papa from 'papaparse'
import { InputError } from '../errors'
import type { ByteSource, ImportHooks } from './byte-source'
import { classifyText, type Cell, type DecimalSeparator } from './cell-value'
import { columnStats } from './column-stats'
import { NumericCsvKernel } from './csv-numeric-fast'
import { sniffDecimal, sniffDelimiter } from './csv-sniff'
import { TextChunkDecoder, type EncodingChoice } from './decode-text'
import { formatBytes, type ImportLimits } from './import-limits'
import { Table } from './table'
import { TableBuilder, type BuiltTable } from './table-builder'

export interface DelimitedSettings {
  encoding: EncodingChoice
  /** Given by the user, or null to sniff. */
  delimiter: string | null
  decimal: DecimalSeparator | null
  /** Off only in tests that compare the two paths. */
  fastPath: boolean
}

export interface DelimitedResult extends BuiltTable {
  delimiter: string
  decimal: DecimalSeparator
  /** Whether the numeric fast path read the file. */
  fastPath: boolean
}

/**
 * CSV/TSV → typed columns. The first megabyte decides the delimiter, the decimal separator and
 * the header; then the numeric fast path reads the file if that sample is all numbers, else (or
 * when the fast path meets anything unusual) papaparse parses it, chunk by chunk.
 */
export async function parseDelimited(
  source: ByteSource,
  head: Uint8Array,
  headComplete: boolean,
  settings: DelimitedSettings,
  limits: ImportLimits,
  hooks: ImportHooks,
): Promise<DelimitedResult> {
  const { delimiter, decimal, plan } = readSample(source.name, head, headComplete, settings, limits)
  if (plan) {
    const fast = await readNumeric(source, plan, limits, hooks)
    if (fast) return { ...fast, delimiter, decimal, fastPath: true }
  }
  const built = await readGeneral(source, settings.encoding, delimiter, decimal, limits, hooks)
  return { ...built, delimiter, decimal, fastPath: false }
}

/**
 * Delimiter, decimal separator and, for plain numbers, the fast path's plan, from the head. A
 * function of its own so that the decoded sample and its records (a few MB) are garbage before the
 * columns are allocated, not locals of the suspended import holding them to its end.
 */
function readSample(fileName: string, head: Uint8Array, headComplete: boolean, settings: DelimitedSettings, limits: ImportLimits) {
  const sampleText = decodeSample(head, headComplete, settings.encoding, fileName)
  const delimiter = settings.delimiter ?? sniffDelimiter(sampleText)
  const sample = sampleRows(sampleText, delimiter)
  const decimal = settings.decimal ?? sniffDecimal(sample.records.slice(0, 200), delimiter)
  const plan = settings.fastPath ? fastPathPlan(head, headComplete, sampleText, sample, delimiter, decimal, settings.encoding, fileName, limits) : null
  return { delimiter, decimal, plan }
}

/**
 * Records of the sample handed to the builder that decides the header and the column types for the
 * fast path. The header is found among the first 10 rows, and the fast path's kernel checks every
 * byte after them anyway, so more rows decide nothing more: a whole megabyte (~10,000 rows here) cost
 * ~100 ms and ~10 MB of strings and level maps before the first byte of the real pass.
 */
const SAMPLE_RECORDS = 1000

/** The sample's first non-blank records and their row numbers (a megabyte of blank lines is no million arrays). */
function sampleRows(text: string, delimiter: string): { records: string[][]; rowNumbers: number[] } {
  const records: string[][] = []
  const rowNumbers: number[] = []
  let row = 0
  Papa.parse<string[]>(text, {
    delimiter,
    newline: '\n',
    step: (r, parser) => {
      row++
      if (!(r.data.length === 1 && r.data[0] === '')) {
        records.push(r.data)
        rowNumbers.push(row)
        if (records.length === SAMPLE_RECORDS) parser.abort()
      }
    },
  })
  return { records, rowNumbers }
}

/** The head decoded for sniffing, cut after its last complete line. */
function decodeSample(head: Uint8Array, complete: boolean, encoding: EncodingChoice, fileName: string): string {
  let text = new TextChunkDecoder(encoding, fileName).decode(head, complete, 0)
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n')
  if (!complete) {
    const cut = text.lastIndexOf('\n')
    if (cut >= 0) text = text.slice(0, cut + 1)
  }
  return text
}

// ---------------------------------------------------------------- general path (papaparse)

/** Characters handed to papaparse at a time; between chunks the import reports progress and can be cancelled. */
const TEXT_CHUNK_CHARS = 1 << 20

async function readGeneral(
  source: ByteSource,
  encoding: EncodingChoice,
  delimiter: string,
  decimal: DecimalSeparator,
  limits: ImportLimits,
  hooks: ImportHooks,
): Promise<BuiltTable> {
  const fileName = source.name
  const builder = new TableBuilder(fileName, limits, true)
  const decoder = new TextChunkDecoder(encoding, fileName)
  let records = 0 // rows seen, blank ones included: record k is spreadsheet row k + 1
  let partial = '' // an unfinished row carried to the next chunk
  let base = 0 // papaparse's absolute index of `partial`'s start
  const lineEnds = new RecordEnds(delimiter)
  let bytesRead = 0
  let quoteErrorRow = 0 // spreadsheet row where an unclosed quote starts

  const feed = (text: string, last: boolean) => {
    const aggregate = partial + text
    // Our own loop over papaparse's Parser, as its ChunkStreamer does, because that streamer only
    // reads a Node stream or a browser File — and the core must run in both.
    // Row by row (`step`), not a result array per chunk: a megabyte of blank lines would be a
    // million arrays at once; one at a time they die young and cost next to nothing.
    // The raw Parser hands `step` a result whose `data` holds the one row (Papa.parse unwraps it; we do here).
    const step = (row: Papa.ParseResult<string[]>) => {
      const record = row.data[0]!
      records++
      if (row.errors.length && quoteErrorRow === 0 && row.errors.some((e) => e.code === 'MissingQuotes')) quoteErrorRow = records
      if (record.length === 1 && record[0] === '') return // a blank line: not stored (the builder numbers the rows after it)
      builder.addRow(toRow(record, records, decimal, fileName, limits))
    }
    const parser = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"', step: step as unknown as Papa.ParseConfig['step'] })
    const result = parser.parse(aggregate, base, !last) as Papa.ParseResult<string[]>
    // An unclosed quote in the unfinished last row is reported here, after the rows stepped through.
    if (quoteErrorRow === 0 && result.errors.some((e) => e.code === 'MissingQuotes')) quoteErrorRow = records + 1
    if (!last) {
      partial = aggregate.slice(result.meta.cursor - base)
      base = result.meta.cursor
      if (partial.length > limits.maxRowChars) throw overlongRow(fileName, records + 1, partial, delimiter, limits)
    }
  }

  for await (const bytes of source.read({ transient: true })) {
    hooks.signal?.throwIfAborted()
    bytesRead += bytes.length
    const text = lineEnds.normalize(decoder.decode(bytes, false, records), false)
    for (let i = 0; i < text.length; i += TEXT_CHUNK_CHARS) feed(text.slice(i, i + TEXT_CHUNK_CHARS), false)
    hooks.onProgress?.({ phase: 'parsing', bytesRead, totalBytes: source.size, rows: builder.rows })
  }
  feed(lineEnds.normalize(decoder.decode(new Uint8Array(0), true, records), true), true)
  if (quoteErrorRow > 0) {
    const row = quoteErrorRow
    throw new InputError(
      `${fileName} has a quoted field that never closes (starting in row ${row.toLocaleString('en-US')}).`,
      'Fix the quotes in the file (a field that contains the delimiter must be wrapped in "…", and a quote inside it doubled: "").',
      { file: fileName, row },
    )
  }
  return builder.finish()
}

const QUOTE = 34
const CR = 13
const LF = 10

/**
 * CRLF and old-Mac CR end records, as LF does, so papaparse is given LF only — but only outside
 * quoted fields: inside one, "a\r\nb" is text and stays as written (pandas keeps it; csv-spectrum
 * newlines_crlf). Papaparse's own quote rules, followed across chunks: a quote opens a field only at
 * its start; inside, "" is a quote and a quote then a delimiter, line end or the end closes it (any
 * other quote is text). Text without a CR passes untouched, so LF files cost nothing here.
 */
class RecordEnds {
  private inQuotes = false
  /** Whether the next text's first character starts a field. */
  private fieldStart = true
  /** Characters held back from a chunk's end until the next one decides them (a CR of a CRLF, a quote). */
  private held = ''
  private readonly delimiter: number

  constructor(delimiter: string) {
    this.delimiter = delimiter.charCodeAt(0)
  }

  normalize(chunk: string, last: boolean): string {
    const text = this.held + chunk
    this.held = ''
    const n = text.length
    const delimiter = this.delimiter
    let out = ''
    let from = 0 // start of the text not yet copied to `out`
    let i = 0
    // Jumps from quote to CR with indexOf (each found once), so a file without quotes or CRs is scanned natively.
    let quote = text.indexOf('"')
    let cr = text.indexOf('\r')
    while (i < n) {
      if (quote >= 0 && quote < i) quote = text.indexOf('"', i)
      if (this.inQuotes) {
        if (quote < 0) {
          i = n
          break
        }
        if (quote + 1 === n && !last) {
          i = quote // "" or a closing quote: the next chunk decides
          break
        }
        const next = text.charCodeAt(quote + 1)
        if (next === QUOTE) i = quote + 2
        else {
          if (quote + 1 === n || next === delimiter || next === CR || next === LF) this.inQuotes = false
          i = quote + 1
        }
        continue
      }
      if (cr >= 0 && cr < i) cr = text.indexOf('\r', i)
      if (cr >= 0 && (quote < 0 || cr < quote)) {
        if (cr + 1 === n && !last) {
          i = cr // half of a CRLF, perhaps
          break
        }
        out += `${text.slice(from, cr)}\n`
        i = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1
        from = i
        continue
      }
      if (quote < 0) {
        i = n
        break
      }
      const before = quote === 0 ? -1 : text.charCodeAt(quote - 1)
      if (quote === 0 ? this.fieldStart : before === delimiter || before === LF || before === CR) this.inQuotes = true
      i = quote + 1
    }
    if (i > 0 && !this.inQuotes) {
      const c = text.charCodeAt(i - 1)
      this.fieldStart = c === delimiter || c === LF || c === CR
    }
    this.held = text.slice(i)
    return from === 0 ? text.slice(0, i) : out + text.slice(from, i)
  }
}

function toRow(record: string[], rowNumber: number, decimal: DecimalSeparator, fileName: string, limits: ImportLimits) {
  const cells: Cell[] = new Array<Cell>(record.length)
  for (let c = 0; c < record.length; c++) {
    const raw = record[c]!
    if (raw.length > limits.maxFieldChars) {
      throw new InputError(
        `${fileName}, row ${rowNumber.toLocaleString('en-US')}, field ${c + 1} has ${raw.length.toLocaleString('en-US')} characters; Slope reads cells up to ${limits.maxFieldChars.toLocaleString('en-US')}.`,
        'Shorten or remove that cell (is a whole document pasted into one cell?).',
        { file: fileName, row: rowNumber },
      )
    }
    cells[c] = classifyText(raw, decimal)
  }
  return { cells, raw: record, rowNumber }
}

/** A row that has grown past the cap without ending: say whether a quote or one huge cell is the cause. */
function overlongRow(fileName: string, row: number, partial: string, delimiter: string, limits: ImportLimits): InputError {
  const probe = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' }).parse(partial, 0, false) as Papa.ParseResult<string[]>
  const unclosed = probe.errors.some((e) => e.code === 'MissingQuotes')
  const fields = probe.data[0] ?? []
  const longest = fields.reduce((best, f, i) => (f.length > (fields[best]?.length ?? -1) ? i : best), 0)
  if (unclosed) {
    return new InputError(
      `${fileName} has a quoted field that never closes (starting in row ${row.toLocaleString('en-US')}; more than ${formatBytes(limits.maxRowChars)} read without its closing quote).`,
      'Fix the quotes in the file (a field that contains the delimiter must be wrapped in "…", and a quote inside it doubled: "").',
      { file: fileName, row },
    )
  }
  return new InputError(
    `${fileName}, row ${row.toLocaleString('en-US')}, field ${longest + 1} is longer than ${limits.maxFieldChars.toLocaleString('en-US')} characters (the row has more than ${formatBytes(limits.maxRowChars)} without a line end).`,
    'Shorten or remove that cell, or check that the file is a table.',
    { file: fileName, row },
  )
}

// ---------------------------------------------------------------- numeric fast path

interface FastPlan {
  names: string[]
  headerRow: number | null
  /** Bytes before the first data row: BOM and header line. */
  skipBytes: number
  delimiter: string
  decimal: DecimalSeparator
  bytesPerRow: number
}

/**
 * Whether the sample says "plain numbers": an ASCII-compatible encoding, a one-byte delimiter,
 * the header (if any) on row 1 alone, and every column numeric with no text, date or quote.
 */
function fastPathPlan(
  head: Uint8Array,
  headComplete: boolean,
  sampleText: string,
  sample: { records: string[][]; rowNumbers: number[] },
  delimiter: string,
  decimal: DecimalSeparator,
  encoding: EncodingChoice,
  fileName: string,
  limits: ImportLimits,
): FastPlan | null {
  if (encoding.encoding.startsWith('utf-16') || delimiter.charCodeAt(0) >= 0x80 || delimiter.length !== 1) return null
  const records = sample.records
  const firstLineEnd = sampleText.indexOf('\n')
  if (firstLineEnd < 0 || records.length < 2) return null
  const body = sampleText.slice(firstLineEnd + 1)
  if (body.includes('"') || /[^\x09\x0a\x20-\x7e]/.test(body)) return null
  const builder = new TableBuilder(fileName, limits, true)
  sample.records.forEach((r, i) => builder.addRow(toRow(r, sample.rowNumbers[i]!, decimal, fileName, limits)))
  let built: BuiltTable
  try {
    built = builder.finish()
  } catch {
    return null // the general path gives the message
  }
  const headerLine = sampleText.slice(0, firstLineEnd)
  const headerOnRow1 = built.headerRow === 1 && built.table.rowNumber(0) === 2 && (headerLine.split('"').length - 1) % 2 === 0
  const noHeader = built.headerRow === null && built.table.rowNumber(0) === 1
  if (!(headerOnRow1 || noHeader)) return null
  if (built.notes.length && !noHeader) return null // renamed or skipped: let the general path report it
  const allNumbers = built.columns.every((c) => c.type === 'number' && c.nonNumeric === 0)
  if (!allNumbers || built.columns.length !== built.table.columnCount || built.columns.length !== records[0]!.length) return null
  const rowEstimate = bytesPerRow(head, headComplete)
  if (rowEstimate === null) return null
  return {
    names: built.table.names.slice(),
    headerRow: built.headerRow,
    // Through the header's LF (its quotes are balanced, so that LF ends it), BOM included.
    skipBytes: noHeader ? encoding.bomBytes : head.indexOf(10) + 1,
    delimiter,
    decimal,
    bytesPerRow: rowEstimate,
  }
}

/** Bytes per line of the head (the header line counted as a row, a small overestimate of the rows). */
function bytesPerRow(head: Uint8Array, complete: boolean): number | null {
  let lines = 0
  let end = 0
  for (let lf = head.indexOf(LF); lf >= 0; lf = head.indexOf(LF, lf + 1)) {
    lines++
    end = lf + 1
  }
  if (complete && end < head.length) {
    lines++
    end = head.length
  }
  return lines > 0 ? end / lines : null
}

async function readNumeric(source: ByteSource, plan: FastPlan, limits: ImportLimits, hooks: ImportHooks): Promise<BuiltTable | null> {
  const width = plan.names.length
  // Columns at their final size from the row estimate: a few per cent spare costs no memory (pages
  // never written are never mapped), while growing would copy every column and hold both copies.
  const dataBytes = source.size - plan.skipBytes
  const kernel = new NumericCsvKernel(width, plan.delimiter, plan.decimal, (dataBytes / plan.bytesPerRow) * 1.03 + 16, dataBytes)
  let skip = plan.skipBytes
  let bytesRead = 0
  for await (const chunk of source.read({ transient: true })) {
    hooks.signal?.throwIfAborted()
    bytesRead += chunk.length
    let bytes = chunk
    if (skip > 0) {
      const n = Math.min(skip, bytes.length)
      bytes = bytes.subarray(n)
      skip -= n
    }
    if (!kernel.push(bytes, false)) return null
    if (kernel.rows * width > limits.maxCells) return null // the general path words the message
    hooks.onProgress?.({ phase: 'parsing', bytesRead, totalBytes: source.size, rows: kernel.rows })
  }
  if (!kernel.push(new Uint8Array(0), true)) return null // the last line, if it has no line end
  const rows = kernel.rows
  if (rows === 0) return null
  const columns = kernel.finish()
  const firstRowNumber = plan.headerRow === null ? 1 : 2
  return {
    table: new Table(plan.names, columns, { file: source.name, firstRowNumber, cellText: new Map(), excluded: [] }),
    columns: plan.names.map((name, c) => ({
      name,
      renamedFrom: null,
      type: 'number' as const,
      missing: kernel.missing[c]!,
      nonNumeric: 0,
      firstNonNumeric: null,
      stats: columnStats(columns[c]!),
      distinct: null,
    })),
    textColumns: new Map(),
    headerRow: plan.headerRow,
    rows,
    notes: plan.headerRow === null ? ['no header row found (the first row holds numbers): columns are named "column 1", "column 2", …'] : [],
  }
}
