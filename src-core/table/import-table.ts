import { InputError } from '../errors'
import { readAll, readHead, type ByteSource, type ImportHooks } from './byte-source'
import type { DecimalSeparator } from './cell-value'
import { normalizeDelimiter } from './csv-sniff'
import { byteOrderMark, detectEncoding, normalizeEncoding, type EncodingChoice, type EncodingSource } from './decode-text'
import { DEFAULT_LIMITS, formatBytes, type ImportLimits } from './import-limits'
import { parseDelimited } from './parse-delimited'
import { parseWorkbook, type WorkbookFormat } from './parse-workbook'
import type { BuiltTable } from './table-builder'
import { zipEntries } from './zip-guard'

export type TableFormat = 'csv' | WorkbookFormat

export interface ImportOptions {
  /** Workbooks: sheet name (or 1-based number); default the first visible sheet. */
  sheet?: string | null
  /** Text files: encoding label; default detected. */
  encoding?: string | null
  /** Text files: one character (or tab, semicolon, …); default sniffed. */
  delimiter?: string | null
  /** Text files: decimal separator; default detected per file. */
  decimal?: DecimalSeparator | null
  limits?: Partial<ImportLimits>
  /** The numeric fast path for plain numeric text (default on; tests turn it off to compare). */
  fastPath?: boolean
}

/** One imported table and everything found on the way, for `slope inspect` and the app's preview. */
export interface ImportResult extends BuiltTable {
  fileName: string
  format: TableFormat
  /** Text files: the encoding read, and how it was decided. */
  encoding: string | null
  encodingSource: EncodingSource | null
  delimiter: string | null
  decimal: DecimalSeparator | null
  /** Workbooks: the sheet read and all sheet names. */
  sheet: string | null
  sheets: string[]
  fastPath: boolean
}

/** Bytes looked at to decide format, encoding, delimiter, decimal separator and header. */
const HEAD_BYTES = 1 << 20

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

/**
 * Any supported file → typed table. Runs the same in the CLI (Node) and in the app's parse
 * worker (browser): bytes come from a ByteSource, progress goes to `hooks.onProgress`, and
 * `hooks.signal` cancels between chunks. Every problem with the file is an InputError saying what
 * and where, and what to do.
 */
export async function importTable(source: ByteSource, options: ImportOptions = {}, hooks: ImportHooks = {}): Promise<ImportResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const fileName = source.name
  if (source.size === 0) {
    throw new InputError(`${fileName} is empty.`, 'Choose a file with a header row and at least two data rows.', { file: fileName })
  }
  const { head, complete } = await readHead(source, HEAD_BYTES)
  const format = detectFormat(head, fileName)
  const common = { fileName, sheets: [] as string[], fastPath: false }

  if (format !== 'csv') {
    if (options.encoding || options.delimiter || options.decimal) {
      const given = options.encoding ? '--encoding' : options.delimiter ? '--delimiter' : '--decimal'
      throw new InputError(`${given} applies to text files, but ${fileName} is an ${format.toUpperCase()} workbook.`, `Leave out ${given} (use --sheet to pick a sheet).`, { file: fileName })
    }
    if (source.size > limits.maxWorkbookBytes) {
      throw new InputError(
        `${fileName} is ${formatBytes(source.size)}; Slope reads workbooks up to ${formatBytes(limits.maxWorkbookBytes)}.`,
        'Export the sheet you need as CSV (CSV files may be much larger).',
        { file: fileName },
      )
    }
    const bytes = await readAll(source, limits.maxWorkbookBytes, hooks)
    if (!bytes) throw new InputError(`${fileName} grew while it was read.`, 'Try again when the file is saved.', { file: fileName })
    const book = await parseWorkbook(bytes, format, fileName, options.sheet ?? null, limits, hooks)
    return withDateNote({ ...common, ...book, encoding: null, encodingSource: null, delimiter: null, decimal: null })
  }

  if (options.sheet) {
    throw new InputError(`--sheet applies to workbooks, but ${fileName} is a text file.`, 'Leave out --sheet.', { file: fileName })
  }
  if (source.size > limits.maxTextFileBytes) {
    throw new InputError(
      `${fileName} is ${formatBytes(source.size)}; Slope reads text files up to ${formatBytes(limits.maxTextFileBytes)}.`,
      'Split the file or keep only the columns you need.',
      { file: fileName },
    )
  }
  checkLooksLikeText(head, fileName)
  const encoding = chooseEncoding(head, complete, options.encoding ?? null)
  const delimited = await parseDelimited(
    source,
    head,
    complete,
    {
      encoding,
      delimiter: options.delimiter ? normalizeDelimiter(options.delimiter) : null,
      decimal: options.decimal ?? null,
      fastPath: options.fastPath ?? true,
    },
    limits,
    hooks,
  )
  if (encoding.source === 'detected' && encoding.encoding !== 'utf-8') {
    delimited.notes.push(`encoding detected as ${encoding.encoding}; if the text looks wrong, give it with --encoding`)
  }
  return withDateNote({ ...common, ...delimited, format: 'csv', encoding: encoding.encoding, encodingSource: encoding.source, sheet: null })
}

/** Dates are used as numbers; the report says so, and in which unit. */
function withDateNote(result: ImportResult): ImportResult {
  if (result.columns.some((c) => c.type === 'date')) {
    result.notes.push('dates became numbers: serial day numbers as in Excel (days since 1899-12-30; time of day as the fraction)')
  }
  return result
}

function chooseEncoding(head: Uint8Array, complete: boolean, given: string | null): EncodingChoice {
  if (!given) return detectEncoding(head, complete)
  const encoding = normalizeEncoding(given)
  const bom = byteOrderMark(head)
  return { encoding, source: 'given', bomBytes: bom && bom.encoding === encoding ? bom.bomBytes : 0 }
}

/** Decided by content, not by name: a renamed file is read for what it is. */
function detectFormat(head: Uint8Array, fileName: string): TableFormat {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? ''
  const isZip = head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)
  if (isZip) {
    const names = new Set(zipEntriesOfHead(head, fileName).map((e) => e.name))
    if (names.has('xl/workbook.xml') || names.has('xl/workbook.bin')) return 'xlsx'
    if (names.has('content.xml') && names.has('mimetype')) return 'ods'
    throw new InputError(
      `${fileName} is a zip archive but not an XLSX or ODS spreadsheet.`,
      'Choose a CSV, TSV, XLSX, XLS or ODS file (unzip it first if it holds one).',
      { file: fileName },
    )
  }
  if (OLE_MAGIC.every((b, i) => head[i] === b)) return 'xls'
  if (['xlsx', 'xlsm', 'ods'].includes(extension)) {
    throw new InputError(
      `${fileName} is not a real .${extension} file (its bytes are not a zip archive, which every .${extension} is).`,
      'If it is a CSV file, rename it to .csv; otherwise save it again from your spreadsheet program.',
      { file: fileName },
    )
  }
  return 'csv' // including ".xls" files that are really text, as some database exports write them
}

function zipEntriesOfHead(head: Uint8Array, fileName: string) {
  // The directory sits at the end of the archive: a head that is not the whole file cannot hold
  // it, and the workbook reader checks it again on the complete bytes.
  try {
    return zipEntries(head, fileName, 'zip')
  } catch {
    // An ODS file's first entry is "mimetype", stored (OpenDocument 1.2, part 3, §3.3).
    const first = new TextDecoder().decode(head.subarray(30, 38))
    return first === 'mimetype' ? [{ name: 'content.xml' }, { name: 'mimetype' }] : [{ name: 'xl/workbook.xml' }]
  }
}

/** Binary files are refused by name before any parsing: NUL bytes or many control characters. */
function checkLooksLikeText(head: Uint8Array, fileName: string): void {
  const bom = byteOrderMark(head)
  const utf16 = bom?.encoding.startsWith('utf-16') || looksUtf16(head)
  let controls = 0
  const n = Math.min(head.length, 65536)
  for (let i = 0; i < n; i++) {
    const b = head[i]!
    if (b === 0 && !utf16) {
      throw new InputError(`${fileName} contains NUL bytes, so it is not a text table (binary data?).`, 'Choose a CSV, TSV, XLSX, XLS or ODS file.', { file: fileName })
    }
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0) controls++
  }
  if (controls > 8 && controls > n / 100) {
    throw new InputError(`${fileName} does not look like text: it is full of control characters (binary data?).`, 'Choose a CSV, TSV, XLSX, XLS or ODS file.', { file: fileName })
  }
}

function looksUtf16(head: Uint8Array): boolean {
  return detectEncoding(head.subarray(0, 4096), false).encoding.startsWith('utf-16')
}
