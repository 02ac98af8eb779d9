import type { DatasetUpload } from './contract'
import { tableFromPlain, tableToPlain } from './protocol'
import type { ImportResult } from './table/import-table'
import type { Table } from './table/table'

/** A parsed Table as the contract's upload payload (its cell texts as plain triples). */
export function tableToUpload(
  table: Table,
  meta: { name: string; fileName: string; sha256: string; importInfo?: Record<string, string | number | boolean | null> },
): DatasetUpload {
  const plain = tableToPlain(table)
  return {
    name: meta.name,
    fileName: meta.fileName,
    sha256: meta.sha256,
    names: plain.names,
    columns: plain.columns,
    firstRowNumber: plain.source.firstRowNumber ?? 2,
    rowGaps: (plain.source.rowGaps ?? []).map(([i, n]) => [i, n] as [number, number]),
    excluded: [...(plain.source.excluded ?? [])],
    cellText: plain.source.cellText,
    importInfo: meta.importInfo ?? {},
  }
}

/** The Table an upload describes; a shape no table can have (a name twice…) is an InputError sentence. */
export function tableFromUpload(upload: Pick<DatasetUpload, 'names' | 'columns' | 'fileName' | 'firstRowNumber' | 'rowGaps' | 'excluded' | 'cellText'>): Table {
  return tableFromPlain({
    names: upload.names,
    columns: upload.columns,
    source: { file: upload.fileName, firstRowNumber: upload.firstRowNumber ?? 2, rowGaps: upload.rowGaps ?? [], excluded: upload.excluded ?? [], cellText: upload.cellText ?? [] },
  })
}

/** What the importer found, kept with the dataset and shown back to the user (CLI and app alike). */
export function importInfoOf(result: ImportResult): Record<string, string | number | boolean | null> {
  return { format: result.format, encoding: result.encoding, delimiter: result.delimiter, decimal: result.decimal, sheet: result.sheet, rows: result.rows }
}
