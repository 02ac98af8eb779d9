import { InputError } from '../../../src-core/errors'
import { ExportCancelled, metricsHeader, metricsRow, predictionHeader, predictionRow, yieldMacrotask, type Cell, type ChunkOptions, type MetricsSource, type PredictionSource } from './export-csv'

/**
 * The XLSX files the Export tab writes (metrics, predictions): the same columns and rows as the CSV
 * files, one sheet with a header row, numbers as numeric cells (a spreadsheet sums them without a
 * "number stored as text" warning), text as shared-string cells — which a spreadsheet never runs as
 * a formula, so no quote is put in front as in the CSV. SheetJS (@e965/xlsx) is imported when the
 * first workbook is written, so it is not part of the window's first load.
 */

/** Rows an XLSX sheet holds (Excel's limit, header included). */
export const XLSX_MAX_ROWS = 1_048_576
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** What a cell becomes: numbers stay numbers; a missing value is no cell; an infinity (no such number in XLSX) is its text. */
function xlsxValue(cell: Cell): string | number | null {
  if (typeof cell !== 'number') return cell
  if (Number.isNaN(cell)) return null
  return Number.isFinite(cell) ? cell : String(cell)
}

/**
 * A workbook of one sheet `sheetName`: `header`, then `rowCount` rows made by `rowAt(i)`. Rows are
 * added in chunks that yield to the event loop (progress, cancel), as the CSV writer does; zipping
 * the file at the end is one step.
 */
export async function buildXlsx(sheetName: string, header: readonly string[], rowCount: number, rowAt: (i: number) => Cell[], options: ChunkOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  if (rowCount + 1 > XLSX_MAX_ROWS) {
    throw new InputError(`${rowCount.toLocaleString('en')} rows do not fit in an XLSX sheet (${(XLSX_MAX_ROWS - 1).toLocaleString('en')} data rows at most).`, 'Save as CSV instead.')
  }
  const XLSX = await import('@e965/xlsx')
  const rowsPerChunk = Math.max(1, options.rowsPerChunk ?? 20_000)
  const pause = options.yieldToLoop ?? yieldMacrotask
  const sheet = XLSX.utils.aoa_to_sheet([[...header]], { dense: true })
  for (let from = 0; from < rowCount; from += rowsPerChunk) {
    if (options.signal?.aborted) throw new ExportCancelled()
    const to = Math.min(rowCount, from + rowsPerChunk)
    const rows: (string | number | null)[][] = []
    for (let i = from; i < to; i++) rows.push(rowAt(i).map(xlsxValue))
    XLSX.utils.sheet_add_aoa(sheet, rows, { origin: -1 })
    options.onProgress?.(to, rowCount)
    if (to < rowCount) await pause()
  }
  if (options.signal?.aborted) throw new ExportCancelled()
  // Wide enough for the header, so column names are readable without resizing.
  sheet['!cols'] = header.map((h) => ({ wch: Math.max(10, [...h].length + 2) }))
  const book = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(book, sheet, sheetName)
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx', compression: true }) as ArrayBuffer)
}

/** The metrics CSV's table as a workbook, sheet "metrics". */
export function metricsXlsx(runs: MetricsSource): Promise<Uint8Array<ArrayBuffer>> {
  return buildXlsx('metrics', metricsHeader, runs.length, (i) => metricsRow(runs[i]!.run, runs[i]!.outcome))
}

/** The predictions CSV's table (the columns of `slope predict`) as a workbook, sheet "predictions". */
export function predictionXlsx(p: PredictionSource, options: ChunkOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  return buildXlsx('predictions', predictionHeader(p), p.predicted.length, (i) => predictionRow(p, i), options)
}
