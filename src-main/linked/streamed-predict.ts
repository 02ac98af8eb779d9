import type { LoadedModel } from '../../src-core/model-file'
import { predictWithModel, type ModelPrediction } from '../../src-core/model/predict-with-model'
import type { IntervalKind } from '../../src-core/model/prediction-interval'
import type { EncodableImport } from '../../src-core/table/one-hot'
import type { ColumnReport, TextColumn } from '../../src-core/table/table-builder'
import { Table } from '../../src-core/table/table'
import { isNumericType, type CellChunk, type LinkedSource } from './linked-source'

/**
 * `slope predict` over a linked file: the rows are read in chunks through DuckDB and each chunk is
 * a small import that `predictWithModel` applies the model to, exactly as it does to a whole
 * imported file (formulas, one-hot levels, imputation, intervals). Memory is one chunk.
 */

/** The spreadsheet row of the first data row, as the CSV and Parquet imports number it (row 1 is the header). */
const FIRST_DATA_ROW = 2

/** Which columns of the file the model reads, and as what: a formula may read any, a plain model its features, one-hot columns and target. */
export function columnsToRead(source: LinkedSource, model: LoadedModel): { numbers: string[]; texts: string[] } {
  const doc = model.document
  const oneHot = new Set((doc.one_hot ?? []).map((e) => e.column))
  const numbers: string[] = []
  const texts: string[] = []
  for (const c of source.columns) {
    const wanted = doc.formula ? true : oneHot.has(c.name) || model.features.includes(c.name) || c.name === model.target
    if (!wanted) continue
    if (oneHot.has(c.name) || (doc.formula && c.type === 'VARCHAR')) texts.push(c.name)
    else if (isNumericType(c.type) || model.features.includes(c.name)) numbers.push(c.name)
  }
  return { numbers, texts }
}

/** One chunk as the import of a file holding just those rows would be. */
export function chunkImport(chunk: CellChunk, file: string): EncodableImport {
  const names = [...chunk.numbers.keys()]
  const table = new Table(names, [...chunk.numbers.values()], { file, firstRowNumber: FIRST_DATA_ROW + chunk.firstRow })
  const textColumns = new Map<string, TextColumn>()
  const reports: ColumnReport[] = []
  for (const [name, values] of chunk.texts) {
    const index = new Map<string, number>()
    const levels: string[] = []
    const codes = new Int32Array(values.length)
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (v === null || v === undefined) {
        codes[i] = -1
        continue
      }
      let code = index.get(v)
      if (code === undefined) {
        code = levels.length
        index.set(v, code)
        levels.push(v)
      }
      codes[i] = code
    }
    textColumns.set(name, { levels, codes })
    reports.push({ name, renamedFrom: null, type: 'text', missing: 0, nonNumeric: 0, firstNonNumeric: null, stats: null, distinct: levels.length })
  }
  for (const name of names) reports.push({ name, renamedFrom: null, type: 'number', missing: 0, nonNumeric: 0, firstNonNumeric: null, stats: null, distinct: null })
  return { table, textColumns, columns: reports }
}

export interface ChunkPrediction {
  chunk: CellChunk
  prediction: ModelPrediction
}

/** Each chunk's prediction, in file order. */
export async function* predictChunks(
  source: LinkedSource,
  model: LoadedModel,
  options: { interval?: { kind: IntervalKind; level: number }; rowsPerChunk?: number; signal?: AbortSignal; file: string },
): AsyncGenerator<ChunkPrediction> {
  const { numbers, texts } = columnsToRead(source, model)
  for await (const chunk of source.scanCells(numbers, texts, { rowsPerChunk: options.rowsPerChunk, signal: options.signal })) {
    yield { chunk, prediction: predictWithModel(chunkImport(chunk, options.file), model, options.interval) }
  }
}

/**
 * Metrics over all chunks, as computeMetrics gives them over the whole file: sums of squared and
 * absolute errors, and the target's sum of squares around its mean combined chunk by chunk
 * (Chan et al.'s pairwise update, so no second pass and no cancellation from Σy² − n ȳ²).
 */
export class StreamedMetrics {
  private n = 0
  private sse = 0
  private sae = 0
  private mean = 0
  private m2 = 0

  add(predicted: Float64Array, actual: Float64Array): void {
    let n = 0
    let sum = 0
    for (let i = 0; i < predicted.length; i++) {
      if (Number.isNaN(predicted[i]!) || Number.isNaN(actual[i]!)) continue
      n++
      sum += actual[i]!
      const e = predicted[i]! - actual[i]!
      this.sse += e * e
      this.sae += Math.abs(e)
    }
    if (n === 0) return
    const mean = sum / n
    let m2 = 0
    for (let i = 0; i < predicted.length; i++) {
      if (Number.isNaN(predicted[i]!) || Number.isNaN(actual[i]!)) continue
      m2 += (actual[i]! - mean) ** 2
    }
    const total = this.n + n
    const delta = mean - this.mean
    this.m2 += m2 + (delta * delta * this.n * n) / total
    this.mean += (delta * n) / total
    this.n = total
  }

  get rows(): number {
    return this.n
  }

  value(): { mse: number; rmse: number; mae: number; r2: number } | null {
    if (this.n === 0) return null
    const mse = this.sse / this.n
    return { mse, rmse: Math.sqrt(mse), mae: this.sae / this.n, r2: this.m2 > 0 ? 1 - this.sse / this.m2 : NaN }
  }
}
