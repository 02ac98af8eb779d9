import type { InputError } from '../../errors'
import type { ByteSource, ImportHooks } from '../byte-source'
import type { ImportLimits } from '../import-limits'
import type { ImportOptions, ImportResult } from '../import-table'

/** The file options a format may take: the CLI's --sheet, --encoding, … and the app's overrides. */
export const FILE_OPTIONS = ['sheet', 'encoding', 'delimiter', 'decimal'] as const
export type FileOption = (typeof FILE_OPTIONS)[number]

/** What a reader knows about a file before reading it. */
export interface FileFacts {
  name: string
  size: number
  /** Lowercase, with the dot (".csv"); "" when the name has none. */
  extension: string
  /** Every format Slope reads, as a sentence ("CSV, TSV, …, or Parquet"), for messages. */
  formatList: string
}

export interface FormatReadRequest<F extends string> {
  source: ByteSource
  file: FileFacts
  /** The first bytes of the file (a megabyte at most) and whether they are all of it. */
  head: Uint8Array
  complete: boolean
  /** What `detect` said. */
  format: F
  options: ImportOptions
  limits: ImportLimits
  hooks: ImportHooks
}

/** What `slope inspect` prints about how a file was read. */
export interface FormatDescription {
  /** Its first line's kind: "text", "XLSX", "Parquet". */
  kind: string
  /** The lines after it (encoding and delimiter; sheets; row groups; the header). */
  lines: string[]
}

/**
 * One file format Slope imports, declared once: src-core/table/formats/registry.ts lists the
 * readers, and everything that names formats — detection, the CLI's usage texts, the file inputs'
 * `accept`, the messages that list formats — is derived from that list.
 */
export interface FormatReader<F extends string = string> {
  /** The reader's name ("text", "workbook", "parquet"). */
  id: string
  /** What `detect` may return, and so what `ImportResult.format` says: ['csv'], ['xlsx', 'xls', 'ods']. */
  formats: readonly F[]
  /** Files of this format in a sentence, plural: "text files", "workbooks", "Parquet files". */
  label: string
  /** The names people know, in the order lists show them: ["CSV", "TSV"], ["XLSX", "XLS", "ODS"]. */
  kinds: readonly string[]
  /** Offered by file dialogs and inputs (lowercase, with the dot). */
  extensions: readonly string[]
  /** The file options it takes; any other given option is refused with a sentence. */
  options: readonly FileOption[]
  /**
   * Whether the first bytes are this format, by magic numbers, never by name: the format id, or
   * null. May throw an InputError when the bytes are a container this reader knows but cannot
   * read (a zip archive that holds no workbook).
   */
  detect(head: Uint8Array, file: FileFacts): F | null
  /** Read when no other reader claims the bytes (text has no magic number). */
  fallback?: boolean
  /** A file whose name claims this format but whose bytes are not it: the error, or null to read it as what it is. */
  misnamed?(file: FileFacts): InputError | null
  /** A file of this format in a sentence: "a text file", "an XLSX workbook". */
  aFile(format: F): string
  /** The whole import: caps, parsing, typed columns; every problem an InputError. */
  read(request: FormatReadRequest<F>): Promise<ImportResult>
  describe(result: ImportResult): FormatDescription
}

/** The fields of an ImportResult that only text files fill. */
export const NOT_TEXT = { encoding: null, encodingSource: null, delimiter: null, decimal: null, fastPath: false } as const

/** "header in row 3", or that there is none: the same line for every row-based format. */
export function headerLine(result: ImportResult): string {
  return result.headerRow === null ? 'no header row' : `header in row ${result.headerRow}`
}
