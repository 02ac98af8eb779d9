import type { DatasetUpload } from './contract'
import { InputError } from './errors'
import { tableFromPlain, tableToPlain } from './protocol'
import type { ImportResult } from './table/import-table'
import { byCodePoint } from './table/one-hot'
import type { Table } from './table/table'
import type { TextColumn } from './table/table-builder'

/** A parsed Table as the contract's upload payload (its cell texts as plain triples). */
export function tableToUpload(
  table: Table,
  meta: { name: string; fileName: string; sha256: string; importInfo?: Record<string, string | number | boolean | null>; textColumns?: ReadonlyMap<string, TextColumn> },
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
    textColumns: meta.textColumns ? textColumnsToUpload(meta.textColumns) : [],
  }
}

/**
 * The import's text columns as the upload carries them: levels in code-point order (the order
 * factors and one-hot use, so the stored codes need no second mapping), codes as Float64 with NaN
 * for an empty cell.
 */
export function textColumnsToUpload(textColumns: ReadonlyMap<string, TextColumn>): NonNullable<DatasetUpload['textColumns']> {
  return [...textColumns].map(([name, column]) => {
    const levels = [...column.levels].sort(byCodePoint)
    const position = new Map(levels.map((l, i) => [l, i]))
    const recode = column.levels.map((l) => position.get(l)!)
    const codes = new Float64Array(column.codes.length)
    for (let r = 0; r < codes.length; r++) codes[r] = column.codes[r]! < 0 ? NaN : recode[column.codes[r]!]!
    return { name, levels, codes }
  })
}

/** Uploaded (or stored) text columns as the formula's data reads them; a code that is no level is a sentence. */
export function textColumnsFromUpload(textColumns: readonly { name: string; levels: string[]; codes: Float64Array }[], rows: number, fileName: string): Map<string, TextColumn> {
  const out = new Map<string, TextColumn>()
  for (const { name, levels, codes } of textColumns) {
    if (codes.length !== rows || out.has(name)) {
      throw new InputError(`Text column "${name}" of ${fileName} ${out.has(name) ? 'appears twice' : `has ${codes.length} values for ${rows} rows`}.`, 'Import the file again.', { file: fileName, column: name })
    }
    const ints = new Int32Array(codes.length)
    for (let r = 0; r < codes.length; r++) {
      const c = codes[r]!
      if (Number.isNaN(c)) ints[r] = -1
      else if (Number.isInteger(c) && c >= 0 && c < levels.length) ints[r] = c
      else throw new InputError(`Text column "${name}" of ${fileName} has a code (${c}) that is none of its ${levels.length} levels.`, 'Import the file again.', { file: fileName, column: name })
    }
    out.set(name, { levels: [...levels], codes: ints })
  }
  return out
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
