import type { InputError } from '../../errors'
import { delimitedText } from './delimited-text'
import type { FileFacts, FileOption, FormatReader } from './format-reader'
import { parquet } from './parquet'
import { workbook } from './workbook'

/**
 * Every format Slope imports, in the order lists show them. Adding a format is one module in this
 * folder and one line here: detection, the file options each takes, the CLI's usage texts, the
 * file inputs' `accept` and the messages that list formats all come from this list.
 */
export const formatReaders = [delimitedText, workbook, parquet] as const

type FormatOf<R> = R extends FormatReader<infer F> ? F : never
/** What `ImportResult.format` can be: 'csv', 'xlsx', 'xls', 'ods', 'parquet'. */
export type TableFormat = FormatOf<(typeof formatReaders)[number]>

const readers: readonly FormatReader[] = formatReaders

/** The reader for a detected format. */
export function readerOf(format: TableFormat): FormatReader {
  const reader = readers.find((r) => r.formats.includes(format))
  if (!reader) throw new Error(`no reader for format ${format}`)
  return reader
}

/**
 * The reader for these bytes: magic numbers first, then a name that claims a format its bytes
 * are not (refused with a sentence), then the fallback (text). Decided by content, not by name:
 * a renamed file is read for what it is.
 */
export function detectReader(head: Uint8Array, file: FileFacts): { reader: FormatReader; format: TableFormat } {
  for (const reader of readers) {
    if (reader.fallback) continue
    const format = reader.detect(head, file)
    if (format !== null) return { reader, format: format as TableFormat }
  }
  for (const reader of readers) {
    const error: InputError | null | undefined = reader.misnamed?.(file)
    if (error) throw error
  }
  const fallback = readers.find((r) => r.fallback)!
  return { reader: fallback, format: fallback.detect(head, file) as TableFormat }
}

/** Every extension the file inputs and dialogs offer, for an `accept` attribute: ".csv,.tsv,…". */
export function acceptedExtensions(): string {
  return readers.flatMap((r) => r.extensions).join(',')
}

/** The format names people know, in list order: CSV, TSV, XLSX, XLS, ODS, Parquet. */
export function formatKinds(): string[] {
  return readers.flatMap((r) => [...r.kinds])
}

/** "CSV, TSV, XLSX, XLS, ODS, or Parquet" (or "CSV、TSV、…或Parquet"): the list for messages, in the UI's language. */
export function formatListSentence(locale = 'en'): string {
  const kinds = formatKinds()
  // English by hand, as Intl.ListFormat writes it: loading ICU's list data takes ~12 ms, a fifth of
  // `slope --help`'s whole start (every import and usage text needs this sentence).
  if (locale === 'en') return kinds.length < 3 ? kinds.join(' or ') : `${kinds.slice(0, -1).join(', ')}, or ${kinds.at(-1)}`
  return new Intl.ListFormat(locale, { type: 'disjunction' }).format(kinds)
}

/** The readers that take a file option. */
export function readersTaking(option: FileOption): FormatReader[] {
  return readers.filter((r) => r.options.includes(option))
}

/** The formats that take a file option, for usage texts: "workbooks (XLSX, XLS, ODS)". */
export function optionScope(option: FileOption): string {
  return readersTaking(option)
    .map((r) => `${r.label} (${r.kinds.join(', ')})`)
    .join(' and ')
}

/** Readers that take no file option at all ("Parquet files"), for usage texts. */
export function readersWithoutOptions(): FormatReader[] {
  return readers.filter((r) => r.options.length === 0)
}
