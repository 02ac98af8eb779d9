import Papa from 'papaparse'
import type { LoadedModel } from '../../src-core/model-file'
import type { ModelPrediction } from '../../src-core/model/predict-with-model'
import { CSV_FORMULA_START } from '../../src-core/table/csv-formula'

/**
 * The CSV `slope predict` writes (row, the model's features, the target if the file has it,
 * predicted_<target>, the interval's bounds, a back-transformed prediction), for a whole file or
 * one chunk of a streamed one. Free of DuckDB, so the in-memory predict does not load it.
 */

export function predictionFields(model: LoadedModel, result: ModelPrediction): string[] {
  return [
    'row',
    ...model.features,
    ...(result.actual ? [model.target] : []),
    `predicted_${model.target}`,
    ...(result.interval ? [`lower_${model.target}`, `upper_${model.target}`] : []),
    ...(result.backTransformed ? [`predicted_${result.backTransformed.column}`] : []),
  ]
}

// Headers come from the user's file: one named `=cmd|' /C calc'!A0` must not run in a spreadsheet.
export function predictionHeaderCsv(model: LoadedModel, result: ModelPrediction): string {
  return `${Papa.unparse([predictionFields(model, result)], { newline: '\n', escapeFormulae: CSV_FORMULA_START })}\n`
}

/** The rows of one prediction (a whole file or one chunk), each line ending in a newline. */
export function predictionRowsCsv(model: LoadedModel, result: ModelPrediction): string {
  const table = result.table
  if (table.rowCount === 0) return ''
  const intervals = result.interval
  const back = result.backTransformed
  const featureColumns = model.features.map((f) => table.column(f))
  const rows: (string | number)[][] = []
  for (let i = 0; i < table.rowCount; i++) {
    const cells: (string | number)[] = [table.rowNumber(i)]
    for (const c of featureColumns) cells.push(cellOut(c[i]!))
    if (result.actual) cells.push(cellOut(result.actual[i]!))
    cells.push(cellOut(result.predicted[i]!))
    if (intervals) cells.push(cellOut(intervals.lower[i]!), cellOut(intervals.upper[i]!))
    if (back) cells.push(cellOut(back.predicted[i]!))
    rows.push(cells)
  }
  return `${Papa.unparse(rows, { newline: '\n', escapeFormulae: CSV_FORMULA_START })}\n`
}

function cellOut(x: number): string | number {
  return Number.isNaN(x) ? '' : x
}
