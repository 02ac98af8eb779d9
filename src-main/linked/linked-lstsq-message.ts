import { jobFailure } from './job-failure'
import type { LeastSquaresFit } from '../../src-core/model/least-squares'
import type { Metrics } from '../../src-core/model/metrics'
import { readControl } from '../../src-core/protocol'
import { designChunks, type LinkedFormula } from './formula-chunks'
import { LinkedSource } from './linked-source'
import { streamedFitMetrics } from './streamed-fit-metrics'
import { streamedLeastSquares } from './streamed-least-squares'

/**
 * The streamed exact fit as a training-worker job (workers/train.ts hands `linked-lstsq` messages
 * here), beside `linked-train` (linked-train-message.ts): the worker opens its own DuckDB instance,
 * so neither the scan nor the QR updates run on main's event loop. Three passes: the fit's two
 * (streamed-least-squares.ts) and the metrics pass the saved run's model needs. Pause and cancel
 * come through the run's shared control block, read after each chunk: pausing blocks this worker
 * thread (Atomics.wait), which stops the scan between chunks; a cancel interrupts DuckDB.
 */

/** The fit's two passes and the metrics pass. */
const LSTSQ_PASSES = 3

export interface LinkedLstsqMessage {
  type: 'linked-lstsq'
  runId: string
  pattern: string
  memoryLimitBytes?: number
  features: string[]
  response: string
  intercept: boolean
  where?: string
  /** The response's mean from the statistics pass (the metrics pass's shift; NaN when unknown: a formula's response). */
  responseMean: number
  /** A formula prepared by main (its state pass done): the fit reads its design chunks (formula-chunks.ts); features and response are the design's. */
  formula?: LinkedFormula
  rowsPerChunk?: number
  control: SharedArrayBuffer
  progressEveryMs?: number
}

export type LinkedLstsqResult = { status: 'completed'; fit: LeastSquaresFit; metrics: Metrics; trainMs: number } | { status: 'cancelled'; trainMs: number }

export type LinkedLstsqEvent =
  | { type: 'linked-scan'; runId: string; pass: number; passes: number; rows: number }
  | { type: 'linked-lstsq-done'; runId: string; result: LinkedLstsqResult }
  | { type: 'failed'; runId: string; inputError: boolean; message: string; hint: string; where: object }

export function isLinkedLstsqMessage(message: { type: string }): message is LinkedLstsqMessage {
  return message.type === 'linked-lstsq'
}

export async function runLinkedLstsqMessage(message: LinkedLstsqMessage, post: (event: LinkedLstsqEvent) => void): Promise<void> {
  const { runId, control: flags } = message
  const control = readControl(flags)
  const abort = new AbortController()
  const started = performance.now()
  const everyMs = message.progressEveryMs ?? 100
  let lastPost = -Infinity
  const onChunk = (pass: number, rows: number) => {
    control.waitWhilePaused()
    if (control.cancelled()) abort.abort()
    const now = performance.now()
    if (now - lastPost < everyMs) return
    lastPost = now
    post({ type: 'linked-scan', runId, pass, passes: LSTSQ_PASSES, rows })
  }
  let source: LinkedSource | null = null
  try {
    source = await LinkedSource.open(message.pattern, { memoryLimitBytes: message.memoryLimitBytes })
    const { formula } = message
    const open = source
    const chunks = formula ? () => designChunks(open, formula, { where: message.where, rowsPerChunk: message.rowsPerChunk, signal: abort.signal }) : undefined
    const common = { source, features: message.features, where: message.where, rowsPerChunk: message.rowsPerChunk, signal: abort.signal, chunks }
    const fit = await streamedLeastSquares({ ...common, response: message.response, intercept: message.intercept, onProgress: onChunk })
    const metrics = await streamedFitMetrics({ ...common, response: message.response, weights: fit.weights, intercept: fit.intercept, shift: message.responseMean, onProgress: (rows) => onChunk(3, rows) })
    post({ type: 'linked-lstsq-done', runId, result: { status: 'completed', fit, metrics, trainMs: performance.now() - started } })
  } catch (e) {
    if (control.cancelled()) post({ type: 'linked-lstsq-done', runId, result: { status: 'cancelled', trainMs: performance.now() - started } })
    else post({ type: 'failed', runId, ...jobFailure(e) })
  } finally {
    source?.close()
  }
}
