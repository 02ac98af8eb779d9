import Papa from 'papaparse'
import type { RunSummary, StoredOutcome } from '../../../src-core/contract'
import type { Metrics } from '../../../src-core/model/metrics'
import { CSV_FORMULA_START } from '../../../src-core/table/csv-formula'

/**
 * The CSV files the Export tab writes: one row of metrics per run, the loss histories side by side,
 * and predictions. Quoting is papaparse's (RFC 4180: fields with a comma, quote, line break or
 * edge space are quoted, quotes doubled), line ends CRLF as RFC 4180 says. Numbers are written with
 * `String(x)`, the shortest text that reads back as the same double, so nothing is lost between
 * Slope and pandas or a spreadsheet; a missing value (NaN, null) is an empty cell. Large files are
 * built in chunks that yield to the event loop, so a million epochs never freeze the window.
 */

export const CSV_NEWLINE = '\r\n'
export type Cell = string | number | null

/** A number as text that parses back to the same double; empty for a missing value. */
export function csvNumber(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? '' : String(x)
}

/** Numbers stay numbers (papaparse writes them with String(x) and never formula-escapes them); missing is empty. */
function cellValue(cell: Cell): string | number {
  if (typeof cell === 'number') return Number.isNaN(cell) ? '' : cell
  return cell ?? ''
}

/**
 * Rows of cells → CSV lines (each ending in CRLF), header first when given. Text cells and
 * headers that a spreadsheet would run as a formula get a leading single quote (csv-formula.ts).
 */
export function csvLines(rows: readonly (readonly Cell[])[], header?: readonly string[]): string {
  const data = rows.map((r) => r.map(cellValue))
  if (!header && data.length === 0) return ''
  return `${Papa.unparse(header ? [[...header], ...data] : data, { newline: CSV_NEWLINE, escapeFormulae: CSV_FORMULA_START })}${CSV_NEWLINE}`
}

// ---------------------------------------------------------------- for Excel: UTF-8 with a BOM

/**
 * Excel opens a CSV without a byte-order mark in the system's ANSI code page, so "地区" becomes
 * mojibake; with U+FEFF first it reads UTF-8. pandas, R and DuckDB read either (pandas needs
 * `encoding="utf-8-sig"` to drop the mark from the first header), so the mark is only written when
 * asked, or by default when a header is not ASCII — the case where Excel would garble it.
 */
export const UTF8_BOM = '\uFEFF'
/** `auto`: with the BOM when any header is not ASCII. */
export const csvEncodings = ['auto', 'utf8', 'utf8-bom'] as const
export type CsvEncoding = (typeof csvEncodings)[number]

/** Whether a CSV with this header is written with the BOM under `encoding`. */
export function csvWritesBom(header: readonly string[], encoding: CsvEncoding): boolean {
  if (encoding === 'auto') return header.some((h) => /[^\u0000-\u007f]/.test(h))
  return encoding === 'utf8-bom'
}

/** The CSV's parts with the BOM in front when `encoding` (for this header) asks for it. */
export function encodeCsvParts(parts: readonly string[], header: readonly string[], encoding: CsvEncoding): string[] {
  return csvWritesBom(header, encoding) ? [UTF8_BOM, ...parts] : [...parts]
}

// ---------------------------------------------------------------- chunked building

/** Thrown when the user cancels a chunked export (`signal` aborted). */
export class ExportCancelled extends Error {
  override readonly name = 'ExportCancelled'
  constructor() {
    super('The export was cancelled.')
  }
}

export interface ChunkOptions {
  /** Rows per chunk: about 20 ms of work each on a slow machine (papaparse writes ~1 µs a row). */
  rowsPerChunk?: number
  signal?: AbortSignal
  /** After each chunk: rows written so far, and of how many. */
  onProgress?: (rowsDone: number, rowCount: number) => void
  /** Lets the window paint and handle input between chunks (default: a macrotask). */
  yieldToLoop?: () => Promise<void>
}

export const yieldMacrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * A CSV of `rowCount` rows made by `rowAt(i)`, as a list of text parts (give them to a Blob: one
 * giant string of hundreds of megabytes is never built). Between chunks it yields to the event
 * loop, reports progress and stops with ExportCancelled when `signal` is aborted.
 */
export async function buildCsvParts(header: readonly string[], rowCount: number, rowAt: (i: number) => Cell[], options: ChunkOptions = {}): Promise<string[]> {
  const rowsPerChunk = Math.max(1, options.rowsPerChunk ?? 20_000)
  const pause = options.yieldToLoop ?? yieldMacrotask
  const parts = [csvLines([], header)]
  for (let from = 0; from < rowCount; from += rowsPerChunk) {
    if (options.signal?.aborted) throw new ExportCancelled()
    const to = Math.min(rowCount, from + rowsPerChunk)
    const rows: Cell[][] = []
    for (let i = from; i < to; i++) rows.push(rowAt(i))
    parts.push(csvLines(rows))
    options.onProgress?.(to, rowCount)
    if (to < rowCount) await pause()
  }
  if (options.signal?.aborted) throw new ExportCancelled()
  return parts
}

// ---------------------------------------------------------------- metrics: one row per run

export const metricsHeader = [
  'id',
  'name',
  'status',
  'dataset',
  'target',
  'features',
  'solver',
  'optimizer',
  'learning_rate',
  'epochs',
  'epochs_run',
  'diverged_at',
  'final_loss',
  'best_loss',
  'final_val_loss',
  'train_mse',
  'train_rmse',
  'train_mae',
  'train_r2',
  'validation_mse',
  'validation_rmse',
  'validation_mae',
  'validation_r2',
  'train_ms',
  'created_at',
  'finished_at',
] as const

/** Feature names in one cell, separated by "; " (the cell is quoted when a name needs it). */
export const FEATURE_SEPARATOR = '; '

const metricCells = (m: Metrics | null | undefined): Cell[] => [m?.mse ?? null, m?.rmse ?? null, m?.mae ?? null, m?.r2 ?? null]

/** One run's row of the metrics CSV (the outcome gives train/validation metrics; null before it finished). */
export function metricsRow(run: RunSummary, outcome: Pick<StoredOutcome, 'metrics'> | null): Cell[] {
  const metrics = outcome?.metrics ?? null
  return [
    run.id,
    run.name,
    run.status,
    run.datasetName,
    run.target,
    run.features.join(FEATURE_SEPARATOR),
    run.solver,
    run.solver === 'gd' ? run.optimizer : null,
    run.solver === 'gd' ? run.learningRate : null,
    run.epochs,
    run.epochsRun,
    run.divergedAt,
    run.finalLoss,
    run.bestLoss,
    run.finalValLoss,
    ...metricCells(metrics?.train),
    ...metricCells(metrics?.validation),
    run.trainMs,
    run.createdAt,
    run.finishedAt,
  ]
}

export type MetricsSource = readonly { run: RunSummary; outcome: Pick<StoredOutcome, 'metrics'> | null }[]

export function metricsCsv(runs: MetricsSource): string {
  return csvLines(
    runs.map(({ run, outcome }) => metricsRow(run, outcome)),
    metricsHeader,
  )
}

// ---------------------------------------------------------------- loss histories side by side

export interface HistorySource {
  id: number
  name: string
  loss: ArrayLike<number>
  valLoss: ArrayLike<number> | null
  /** Epochs of history (a running run's arrays may be longer than what is filled). */
  length: number
}

/** Column names: `loss #3 name`, `val_loss #3 name` (the id keeps two runs of the same name apart). */
export function historyHeader(runs: readonly HistorySource[]): string[] {
  const header = ['epoch']
  for (const r of runs) {
    header.push(`loss #${r.id} ${r.name}`)
    if (r.valLoss) header.push(`val_loss #${r.id} ${r.name}`)
  }
  return header
}

/**
 * `epoch` (from 0, the epoch whose loss the tutorial prints first) and each run's loss (and
 * validation loss) per epoch; a run that stopped earlier has empty cells below its last epoch.
 */
export function historyCsvParts(runs: readonly HistorySource[], options: ChunkOptions = {}): Promise<string[]> {
  const epochs = runs.reduce((m, r) => Math.max(m, r.length), 0)
  return buildCsvParts(
    historyHeader(runs),
    epochs,
    (i) => {
      const row: Cell[] = [i]
      for (const r of runs) {
        row.push(i < r.length ? r.loss[i]! : null)
        if (r.valLoss) row.push(i < r.length ? r.valLoss[i]! : null)
      }
      return row
    },
    options,
  )
}

// ---------------------------------------------------------------- predictions

export interface PredictionSource {
  target: string
  features: readonly string[]
  /** Spreadsheet row number of each data row. */
  rowNumber: (i: number) => number
  featureColumns: readonly ArrayLike<number>[]
  actual: ArrayLike<number> | null
  predicted: ArrayLike<number>
  /** An interval's bounds (`slope predict --interval`'s lower_/upper_<target>), when asked for. */
  lower?: ArrayLike<number> | null
  upper?: ArrayLike<number> | null
}

export function predictionHeader(p: Pick<PredictionSource, 'target' | 'features' | 'actual' | 'lower'>): string[] {
  return ['row', ...p.features, ...(p.actual ? [p.target] : []), `predicted_${p.target}`, ...(p.lower ? [`lower_${p.target}`, `upper_${p.target}`] : [])]
}

/** Row `i` of the predictions file (CSV or XLSX), in `predictionHeader`'s order. */
export function predictionRow(p: PredictionSource, i: number): Cell[] {
  const row: Cell[] = [p.rowNumber(i)]
  for (const c of p.featureColumns) row.push(c[i]!)
  if (p.actual) row.push(p.actual[i]!)
  row.push(p.predicted[i]!)
  if (p.lower && p.upper) row.push(p.lower[i]!, p.upper[i]!)
  return row
}

/** Same columns as `slope predict`: row, the model's features, the target when the file has it, predicted_<target>. */
export function predictionCsvParts(p: PredictionSource, options: ChunkOptions = {}): Promise<string[]> {
  return buildCsvParts(predictionHeader(p), p.predicted.length, (i) => predictionRow(p, i), options)
}
