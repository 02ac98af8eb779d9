import type { ImportedFile } from '../services/import-file'
import { autoOneHotColumns, oneHotEncode, type OneHotEncoding } from '../../src-core/table/one-hot'
import type { Table } from '../../src-core/table/table'
import { UsageError } from './usage-error'

/** The flags that choose a model's columns: `slope train` and `slope lr` read them alike. */
export const columnOptionSpecs = {
  target: { type: 'string' },
  features: { type: 'string' },
  feature: { type: 'string', multiple: true },
  'one-hot': { type: 'string' },
} as const

export const columnOptionsUsage = `Columns
  --target COL             column to predict (required)
  --features A,B,…         feature columns (default: every numeric column but the target);
                           --feature NAME adds one, for names that contain commas
  --one-hot A,B,… | auto   one-hot encode text columns as 0/1 features, dropping the first
                           level (sorted) as the reference; auto: text columns with 2–20 values`

type ColumnValues = { features?: string; feature?: string[]; 'one-hot'?: string }

/** A model is named by --formula or by --target (with --features/--one-hot), never both: `slope train` and `slope lr` say so alike. */
export function checkModelColumns(command: string, values: ColumnValues & { target?: string; formula?: string }): void {
  if (values.formula !== undefined) {
    const clash = (['target', 'features', 'feature', 'one-hot'] as const).find((k) => values[k] !== undefined)
    if (clash) throw new UsageError(`--formula names the columns itself, so --${clash} cannot go with it.`)
  } else if (!values.target) throw new UsageError(`slope ${command} needs --target COL (the column to predict), or --formula "y ~ …".`)
}

/** --features and every --feature, in order; empty means "every numeric column but the target". */
export function featuresFrom(values: ColumnValues): string[] {
  return [...(values.features ? values.features.split(',').map((f) => f.trim()).filter((f) => f.length > 0) : []), ...(values.feature ?? [])]
}

/** The imported table with --one-hot applied. */
export function encodedTable(file: ImportedFile, values: ColumnValues): { table: Table; oneHot: OneHotEncoding[] } {
  if (values['one-hot'] === undefined) return { table: file.table, oneHot: [] }
  const raw = values['one-hot'].trim()
  const columns = raw === 'auto' ? autoOneHotColumns(file) : raw.split(',').map((c) => c.trim()).filter((c) => c.length > 0)
  const encoded = oneHotEncode(file, columns)
  return { table: encoded.table, oneHot: encoded.encodings }
}
