import type { ScanProgress } from '../../../src-core/contract'

/** What a linked run's scan report means for people: how far, how fast, how long still. */
export interface ScanFigures {
  /** Rows read over all passes so far (earlier passes count whole). */
  rowsDone: number
  /** Rows all passes read; null when the number of passes is not known ahead (early stopping may end sooner). */
  rowsAll: number | null
  rowsPerSecond: number | null
  /** The file's bytes per second at that rate (bytes per row of the files × rows per second). */
  bytesPerSecond: number | null
  /** Until the last pass ends, or this pass when the passes are not known; null before a rate exists. */
  etaMs: number | null
}

/**
 * `elapsedMs` is the run's time since its scan started and `rowsRead` this pass's rows, so the rate
 * is over every pass read so far: one slow pass (the page cache cold on the first) is averaged in
 * rather than taken for the whole run.
 */
export function scanFigures(p: ScanProgress): ScanFigures {
  const rowsDone = Math.max(0, p.pass - 1) * p.rowsTotal + p.rowsRead
  const rowsAll = p.passes === null ? null : p.passes * p.rowsTotal
  const rowsPerSecond = p.elapsedMs > 0 && rowsDone > 0 ? (rowsDone * 1000) / p.elapsedMs : null
  const bytesPerSecond = rowsPerSecond !== null && p.rowsTotal > 0 ? (rowsPerSecond * p.bytesTotal) / p.rowsTotal : null
  const left = (rowsAll ?? p.pass * p.rowsTotal) - rowsDone
  const etaMs = rowsPerSecond === null ? null : (Math.max(0, left) * 1000) / rowsPerSecond
  return { rowsDone, rowsAll, rowsPerSecond, bytesPerSecond, etaMs }
}
