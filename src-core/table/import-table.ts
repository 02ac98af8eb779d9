import { InputError } from '../errors'
import { readHead, type ByteSource, type ImportHooks } from './byte-source'
import type { DecimalSeparator } from './cell-value'
import type { EncodingSource } from './decode-text'
import { FILE_OPTIONS, type FileFacts } from './formats/format-reader'
import { detectReader, formatListSentence, readerOf, readersTaking, type TableFormat } from './formats/registry'
import { DEFAULT_LIMITS, type ImportLimits } from './import-limits'
import type { BuiltTable } from './table-builder'

export type { TableFormat } from './formats/registry'

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
  /** Facts only some formats have, for reports (Parquet: row_groups, compression, created_by). */
  details: Record<string, string | number | null>
}

/** Bytes looked at to decide format, encoding, delimiter, decimal separator and header. */
const HEAD_BYTES = 1 << 20

/**
 * Any supported file → typed table. Runs the same in the CLI (Node) and in the app's parse
 * worker (browser): bytes come from a ByteSource, progress goes to `hooks.onProgress`, and
 * `hooks.signal` cancels between chunks. The format is found by its bytes (formats/registry.ts);
 * every problem with the file is an InputError saying what and where, and what to do.
 */
export async function importTable(source: ByteSource, options: ImportOptions = {}, hooks: ImportHooks = {}): Promise<ImportResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const fileName = source.name
  if (source.size === 0) {
    throw new InputError(`${fileName} is empty.`, 'Choose a file with a header row and at least two data rows.', { file: fileName })
  }
  const { head, complete } = await readHead(source, HEAD_BYTES)
  const file: FileFacts = { name: fileName, size: source.size, extension: extensionOf(fileName), formatList: formatListSentence() }
  const { reader, format } = detectReader(head, file)
  const refused = FILE_OPTIONS.find((o) => options[o] && !reader.options.includes(o))
  if (refused) {
    const takers = readersTaking(refused).map((r) => r.label).join(' and ')
    const own = reader.options.length ? ` (${reader.label} take ${reader.options.map((_, i) => `{${i + 1}}`).join(', ')})` : ''
    const fixes = [refused, ...reader.options].map((setting) => ({ setting }))
    throw new InputError(`{0} applies to ${takers}, but ${fileName} is ${reader.aFile(format)}.`, `Leave out {0}${own}.`, { file: fileName }, fixes)
  }
  const result = await reader.read({ source, file, head, complete, format, options, limits, hooks })
  return withDateNote(result)
}

function extensionOf(fileName: string): string {
  return /(\.[a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? ''
}

/** Dates are used as numbers; the report says so, and in which unit. */
function withDateNote(result: ImportResult): ImportResult {
  if (result.columns.some((c) => c.type === 'date')) {
    result.notes.push('dates became numbers: serial day numbers as in Excel (days since 1899-12-30; time of day as the fraction)')
  }
  return result
}

/** How `slope inspect` describes the way a file was read: asked of its format. */
export function describeImport(result: ImportResult) {
  return readerOf(result.format).describe(result)
}
