import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { LoadedModel } from '../../src-core/model-file'
import type { Metrics } from '../../src-core/model/metrics'
import type { IntervalKind } from '../../src-core/model/prediction-interval'
import { writeError } from '../services/atomic-write'
import { scanStopped, type LinkedSource } from './linked-source'
import { predictionHeaderCsv, predictionRowsCsv } from './prediction-csv'
import { predictChunks, StreamedMetrics } from './streamed-predict'

/**
 * The streamed predictions file, one for the CLI (`slope predict` over linked input) and the app's
 * "Predict a file" (models.predictFile, in a worker): the linked input predicted and written chunk
 * by chunk (prediction-csv.ts's lines), and the Parquet copy.
 */

/** What a streamed prediction wrote: rows, rows without a prediction and why, and the metrics where the file has the target. */
export interface StreamedPredictionSummary {
  rows: number
  missingRows: number
  missingFeatureRows: number
  /** Rows per column with a level the model was not trained on. */
  unknownLevels: [column: string, rows: number][]
  metrics: Metrics | null
}

export interface StreamedPredictionOptions {
  interval?: { kind: IntervalKind; level: number }
  signal?: AbortSignal
  /** After each chunk: rows predicted so far. */
  onRows?: (rows: number) => void
}

/** Predicts a linked source chunk by chunk, handing each chunk's CSV text (the header first) to `write`. */
export async function writePredictions(source: LinkedSource, model: LoadedModel, options: StreamedPredictionOptions, write: (text: string) => Promise<void>): Promise<StreamedPredictionSummary> {
  let rows = 0
  let missingRows = 0
  let missingFeatureRows = 0
  const unknown = new Map<string, number>()
  const metrics = new StreamedMetrics()
  let headerWritten = false
  for await (const { prediction } of predictChunks(source, model, { interval: options.interval, signal: options.signal, file: basename(source.pattern) })) {
    if (!headerWritten) {
      await write(predictionHeaderCsv(model, prediction))
      headerWritten = true
    }
    await write(predictionRowsCsv(model, prediction))
    rows += prediction.table.rowCount
    missingRows += prediction.missingRows
    missingFeatureRows += prediction.missingFeatureRows
    for (const u of prediction.unknownLevels) unknown.set(u.column, (unknown.get(u.column) ?? 0) + u.rows)
    if (prediction.actual) metrics.add(prediction.predicted, prediction.actual)
    options.onRows?.(rows)
  }
  return { rows, missingRows, missingFeatureRows, unknownLevels: [...unknown], metrics: metrics.value() }
}

/**
 * The streamed prediction into `out` (.parquet or .pq: Parquet, else CSV): written to a temporary
 * file beside it and renamed into place at the end, so a failure or a cancel leaves no half file.
 * Parquet: the same CSV is then copied by DuckDB, which streams it in bounded memory.
 */
export async function predictIntoFile(source: LinkedSource, model: LoadedModel, out: string, options: StreamedPredictionOptions): Promise<StreamedPredictionSummary> {
  const toParquet = isParquetPath(out)
  const temp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp${toParquet ? '.csv' : ''}`)
  const handle = await open(temp, 'wx', 0o644).catch((e: NodeJS.ErrnoException) => {
    throw writeError(out, e)
  })
  try {
    const summary = await writePredictions(source, model, options, async (text) => {
      await handle.write(text).catch((e: NodeJS.ErrnoException) => {
        throw writeError(out, e)
      })
    })
    await handle.sync()
    await handle.close()
    // A cancel that came while the last chunk was written: honoured here, before the file appears.
    if (options.signal?.aborted) throw scanStopped(summary.rows)
    if (toParquet) await copyCsvToParquet(source, temp, out)
    else await rename(temp, out)
    return summary
  } catch (e) {
    await handle.close().catch(() => undefined)
    throw e
  } finally {
    await unlink(temp).catch(() => undefined)
  }
}

export function isParquetPath(path: string): boolean {
  return /\.(parquet|pq)$/i.test(path)
}

/**
 * DuckDB's COPY of the predictions' CSV into Parquet, streamed in bounded memory: `row` as BIGINT,
 * every other column DOUBLE (the CSV's shortest round-trip decimals parse back to the same doubles,
 * and an empty cell is a null). Written beside the target and renamed, so no half file is left.
 */
export async function copyCsvToParquet(source: LinkedSource, csvPath: string, out: string): Promise<void> {
  const partial = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp.parquet`)
  try {
    await source.copyCsvToParquet(csvPath, partial)
    await rename(partial, out)
  } catch (e) {
    await unlink(partial).catch(() => undefined)
    throw e
  }
}
