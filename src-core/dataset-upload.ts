import type { DatasetUpload } from './contract'
import type { ImportResult } from './table/import-table'
import type { Table } from './table/table'

/** A parsed Table as the contract's upload payload (Maps flattened to [column, row, text] triples). */
export function tableToUpload(
  table: Table,
  meta: { name: string; fileName: string; sha256: string; importInfo?: Record<string, string | number | boolean | null> },
): DatasetUpload {
  const cellText: [number, number, string][] = []
  for (const [column, rows] of table.source.cellText ?? []) for (const [row, text] of rows) cellText.push([column, row, text])
  return {
    name: meta.name,
    fileName: meta.fileName,
    sha256: meta.sha256,
    names: [...table.names],
    columns: [...table.columns],
    firstRowNumber: table.source.firstRowNumber ?? 2,
    excluded: [...(table.source.excluded ?? [])],
    cellText,
    importInfo: meta.importInfo ?? {},
  }
}

/** What the importer found, kept with the dataset and shown back to the user (CLI and app alike). */
export function importInfoOf(result: ImportResult): Record<string, string | number | boolean | null> {
  return { format: result.format, encoding: result.encoding, delimiter: result.delimiter, decimal: result.decimal, sheet: result.sheet, rows: result.rows }
}
