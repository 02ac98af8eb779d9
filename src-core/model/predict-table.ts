import { InputError } from '../errors'
import type { Table } from '../table/table'

export interface TablePrediction {
  predicted: Float64Array
  /** Rows left without a prediction (NaN) because a feature cell was missing and the model has no imputation. */
  missingRows: number
  /** The target column when the table has it, for residuals and metrics. */
  actual: Float64Array | null
}

/** Applies a linear model to every row of a table, by feature name. */
export function predictTable(
  table: Table,
  model: { target: string; features: readonly string[]; weights: readonly number[]; intercept: number; imputation: readonly number[] | null },
): TablePrediction {
  const missingColumns = model.features.filter((f) => !table.has(f))
  if (missingColumns.length) {
    // column() gives the precise reason for the first (absent, or text)
    if (missingColumns.length === 1) table.column(missingColumns[0]!)
    throw new InputError(
      `${table.source.file ?? 'The file'} lacks the model's feature columns ${missingColumns.map((c) => `"${c}"`).join(', ')}.`,
      `The model needs ${model.features.map((c) => `"${c}"`).join(', ')}; rename the columns or use a matching file.`,
      { file: table.source.file },
    )
  }
  const columns = model.features.map((f) => table.column(f))
  const n = table.rowCount
  const predicted = new Float64Array(n)
  let missingRows = 0
  for (let i = 0; i < n; i++) {
    let s = model.intercept
    for (let j = 0; j < columns.length; j++) {
      let x = columns[j]![i]!
      if (Number.isNaN(x) && model.imputation) x = model.imputation[j]!
      s += model.weights[j]! * x
    }
    if (Number.isNaN(s)) missingRows++
    predicted[i] = s
  }
  return { predicted, missingRows, actual: table.has(model.target) ? table.column(model.target) : null }
}
