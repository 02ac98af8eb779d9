import { InputError } from '../errors'
import { readModelDocument, type LoadedModel, type ModelDocument } from '../model-file'
import { buildDesign, designTable } from '../formula/design-matrix'
import { backTransform, formulaStateOf } from '../formula/formula-document'
import { oneHotEncode, type EncodableImport } from '../table/one-hot'
import { Table } from '../table/table'
import { computeMetrics, type Metrics } from './metrics'
import { predictTable } from './predict-table'
import { intervalAt, intervalModel, type IntervalKind, type IntervalModel } from './prediction-interval'

/** What applying a model to a table gives: every row's prediction, and why some rows have none. */
export interface ModelPrediction {
  target: string
  features: string[]
  /** The table the model read: the data with the model's one-hot columns added. */
  table: Table
  /** One per row; NaN where the row has no prediction. */
  predicted: Float64Array
  /** The target column when the table has it. */
  actual: Float64Array | null
  /** Against `actual`, over the rows that have both a prediction and a target value; null when there are none. */
  metrics: Metrics | null
  /** How many rows the metrics are over. */
  metricRows: number
  /** Rows without a prediction, whatever the reason. */
  missingRows: number
  /** Of those: rows with an empty or non-numeric feature cell the model had no imputation for. */
  missingFeatureRows: number
  /** Of those: rows whose value of a one-hot encoded column the model never saw, per column. */
  unknownLevels: { column: string; rows: number }[]
  /** A formula's transformed response (log(y) ~ …) predicted in its column's units (y), where invertible. */
  backTransformed: { column: string; predicted: Float64Array } | null
  /** lower_/upper_<target> per row (NaN where there is no prediction) when an interval was asked for. */
  interval: PredictionInterval | null
}

export interface PredictionInterval {
  kind: IntervalKind
  level: number
  lower: Float64Array
  upper: Float64Array
}

/**
 * Applies a model to new data as it was trained: text columns it one-hot encoded are encoded with
 * its levels (when `data` is an import that still has its text columns; a bare Table must carry the
 * "column=level" columns already), its imputation fills missing cells, and a row with a value of
 * an encoded column the model never saw gets no prediction — even under mean imputation, because
 * filling in the mean of a dummy column would predict for a category that does not exist in the
 * model. One implementation for `slope predict`, the app's Predict panel and `models.predict`.
 */
export function predictWithModel(data: Table | EncodableImport, model: LoadedModel, interval?: { kind: IntervalKind; level: number }): ModelPrediction {
  // Checked before any work: a gradient-descent model or a bad level is refused with its reason.
  const intervals = interval ? intervalModel(model.document, interval.level) : null
  const trained = new Map((model.document.one_hot ?? []).map((e) => [e.column, e]))
  let table: Table
  let unknown: Uint8Array | null = null
  const unknownLevels: { column: string; rows: number }[] = []
  const formula = model.document.formula
  if (data instanceof Table) {
    table = data
  } else if (formula) {
    // The model's formula builds the features from the file, with the training levels and statistics.
    const design = buildDesign(formula.text, data, formulaStateOf(formula))
    table = designTable(design, data.table.source, true)
    unknown = design.unknownLevelRows
    let rows = 0
    for (const u of unknown) rows += u
    if (rows > 0) unknownLevels.push({ column: formula.factors.map((f) => f.name).join(', '), rows })
  } else if (trained.size === 0) {
    table = data.table
  } else {
    const encoded = oneHotEncode(data, [...trained.keys()], trained)
    table = encoded.table
    unknown = unknownLevelRows(data, trained, table.rowCount)
    for (const e of encoded.encodings) if (e.unknownRows > 0) unknownLevels.push({ column: e.column, rows: e.unknownRows })
  }
  const result = predictTable(table, model)
  const predicted = result.predicted
  let missingFeatureRows = 0
  for (let i = 0; i < predicted.length; i++) {
    if (unknown?.[i]) predicted[i] = NaN
    else if (Number.isNaN(predicted[i]!)) missingFeatureRows++
  }
  let missingRows = 0
  for (let i = 0; i < predicted.length; i++) if (Number.isNaN(predicted[i]!)) missingRows++
  const actual = result.actual ? Float64Array.from(result.actual) : null
  const complete: number[] = []
  if (actual) for (let i = 0; i < predicted.length; i++) if (!Number.isNaN(predicted[i]!) && !Number.isNaN(actual[i]!)) complete.push(i)
  return {
    target: model.target,
    features: [...model.features],
    table,
    predicted,
    actual,
    metrics: complete.length ? computeMetrics(complete.map((i) => predicted[i]!), complete.map((i) => actual![i]!)) : null,
    metricRows: complete.length,
    missingRows,
    missingFeatureRows,
    unknownLevels,
    backTransformed:
      formula?.back_transform && formula.response_column
        ? { column: formula.response_column, predicted: predicted.map((v) => backTransform(formula.back_transform!, v, model.target, formula)) }
        : null,
    interval: intervals && interval ? { ...interval, ...intervalBounds(intervals, interval.kind, table, model, predicted) } : null,
  }
}

/** Each row's interval around its prediction, from the features as the prediction used them (a missing cell is the training mean under --missing mean). */
function intervalBounds(m: IntervalModel, kind: IntervalKind, table: Table, model: LoadedModel, predicted: Float64Array): { lower: Float64Array; upper: Float64Array } {
  const columns = new Map(model.features.map((f, j) => [f, { values: table.column(f), fill: model.imputation?.[j] }]))
  const lower = new Float64Array(predicted.length).fill(NaN)
  const upper = new Float64Array(predicted.length).fill(NaN)
  for (let i = 0; i < predicted.length; i++) {
    if (Number.isNaN(predicted[i]!)) continue
    const [lo, hi] = intervalAt(m, kind, predicted[i]!, (f) => {
      const c = columns.get(f)!
      const v = c.values[i]!
      return Number.isNaN(v) && c.fill !== undefined ? c.fill : v
    })
    lower[i] = lo
    upper[i] = hi
  }
  return { lower, upper }
}

/** The model a run carries, read exactly as a model file is; a run without one says why. */
export function modelOfRun(run: { name: string; model: ModelDocument | null }): LoadedModel {
  if (!run.model) throw new InputError(`Run "${run.name}" has no model to predict with.`, 'Choose a completed run.')
  return readModelDocument(JSON.stringify(run.model), 'model')
}

/** 1 for each row whose value of some encoded column is neither the reference nor a level of the model. */
function unknownLevelRows(data: EncodableImport, trained: ReadonlyMap<string, { reference: string; levels: readonly string[] }>, rows: number): Uint8Array {
  const unknown = new Uint8Array(rows)
  for (const [column, encoding] of trained) {
    const text = data.textColumns.get(column)
    if (!text) continue // oneHotEncode has already refused a column it cannot encode
    const known = new Set([encoding.reference, ...encoding.levels])
    const isUnknown = text.levels.map((level) => !known.has(level))
    for (let r = 0; r < rows; r++) {
      const code = text.codes[r]!
      if (code >= 0 && isUnknown[code]) unknown[r] = 1 // an empty cell (−1) is missing, not unknown
    }
  }
  return unknown
}
