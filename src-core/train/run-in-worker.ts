import type { ComputeBackend } from '../backends/backend'
import { CpuBackend } from '../backends/cpu/cpu-backend'
import { isInputError } from '../errors'
import type { SegmentThreads } from '../model/least-squares-segments'
import { diagnosticsOfRun } from '../model/row-diagnostics'
import { readControl, tableFromTransfer, type ComputeMessage, type CpuWorkerEvent, type LrFinderMessage, type StartMessage, type WorkerEvent } from '../protocol'
import { prepareData } from '../table/prepare'
import { fitModel, prepareOptions, toBackendData } from './fit-model'
import { initialParams } from './init-params'
import { curvatureReport } from './learning-rates'
import { findLearningRate } from './lr-finder'

type Post = (event: WorkerEvent, transfer?: ArrayBuffer[]) => void

/**
 * The body of every compute worker, whatever hosts it: runs one StartMessage and reports through
 * `post`. Progress carries copies of the new losses only (a few KB), never the whole history.
 * Pause and cancel arrive through the shared control buffer, not as messages: the loop is
 * synchronous and never yields to the message queue.
 */
export async function runStartMessage(message: StartMessage, post: Post, backend?: ComputeBackend, lstsqThreads?: SegmentThreads | null): Promise<void> {
  const { runId } = message
  let startedAt = performance.now()
  try {
    const outcome = await fitModel({
      table: tableFromTransfer(message.table),
      target: message.target,
      features: message.features,
      config: message.config,
      backend,
      lstsqThreads,
      hooks: {
        control: readControl(message.control),
        progressEveryMs: message.progressEveryMs,
        onPrepared: (info) => {
          startedAt = performance.now()
          post({ type: 'started', runId, info })
        },
        onProgress: (from, to, history, theta) => {
          const loss = history.loss.slice(from, to)
          const valLoss = history.valLoss ? history.valLoss.slice(from, to) : null
          const params = theta.slice()
          const elapsedMs = performance.now() - startedAt
          post({ type: 'progress', runId, from, loss, valLoss, params, elapsedMs }, valLoss ? [loss.buffer, valLoss.buffer, params.buffer] : [loss.buffer, params.buffer])
        },
      },
    })
    post({ type: 'done', runId, outcome })
  } catch (e) {
    post(failure(runId, e))
  }
}

/** The learning-rate range test on a run's data and settings. */
export async function runLrFinderMessage(message: LrFinderMessage, post: Post, backend: ComputeBackend = new CpuBackend(message.config.precision)): Promise<void> {
  try {
    const { config } = message
    const prepared = prepareData(tableFromTransfer(message.table), prepareOptions(config, message.target, message.features))
    const d = prepared.features.length
    await backend.load(toBackendData(prepared.train, d), null)
    const init = initialParams(config.init, prepared.features, config.intercept, config.seed)
    const result = findLearningRate(backend, config, { features: d, trainRows: prepared.train.rows }, init, message)
    post({ type: 'lr-finder-done', requestId: message.requestId, result }, [result.learningRates.buffer as ArrayBuffer, result.losses.buffer as ArrayBuffer])
  } catch (e) {
    post(failure(message.requestId, e))
  } finally {
    backend.dispose()
  }
}

/**
 * A one-off computation on a table (per-row diagnostics, the curvature report). The answer's
 * typed arrays are transferred, not copied: 1M rows of diagnostics are ~100 MB.
 */
export function runComputeMessage(message: ComputeMessage, post: (event: CpuWorkerEvent, transfer?: ArrayBuffer[]) => void): void {
  const { requestId, request } = message
  try {
    const table = tableFromTransfer(message.table)
    const result =
      request.kind === 'diagnostics' ? diagnosticsOfRun(table, request.run, request.options) : curvatureReport(table, request.target, request.features, request.config)
    post({ type: 'compute-done', requestId, result }, typedArrayBuffers(result))
  } catch (e) {
    post(failure(requestId, e))
  }
}

/** The distinct buffers of the typed arrays among an object's values, one level of nesting deep. */
function typedArrayBuffers(value: object): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>()
  const visit = (v: unknown, depth: number) => {
    if (ArrayBuffer.isView(v)) buffers.add(v.buffer as ArrayBuffer)
    else if (v !== null && typeof v === 'object' && depth < 2) for (const x of Object.values(v)) visit(x, depth + 1)
  }
  visit(value, 0)
  return [...buffers]
}

function failure(runId: string, e: unknown): WorkerEvent {
  if (isInputError(e)) return { type: 'failed', runId, inputError: true, message: e.message, hint: e.hint, where: e.where, text: e.text }
  return { type: 'failed', runId, inputError: false, message: (e as Error)?.message ?? String(e), hint: '', where: {} }
}
