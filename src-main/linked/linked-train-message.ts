import { jobFailure } from './job-failure'
import { readControl } from '../../src-core/protocol'
import { designChunks, type LinkedFormula } from './formula-chunks'
import { LinkedSource, type KnownRowCount } from './linked-source'
import { streamedGradientDescent, type StreamedGdInput, type StreamedGdResult } from './streamed-gradient-descent'

/**
 * Streamed gradient descent as a training-worker job (workers/train.ts hands `linked-train`
 * messages here): the worker opens its own DuckDB instance on the linked files, so neither the
 * scan nor the kernels run on the main thread's event loop. Cancel and pause come through the
 * same shared control block as in-memory runs (protocol.ts), read between chunks.
 */

/** What the worker needs beyond the gradient-descent input itself: where to open the files, the control block, how often to report. */
export type LinkedTrainMessage = Pick<StreamedGdInput, 'features' | 'response' | 'where' | 'config' | 'standardization' | 'responseMean' | 'shuffleChunks' | 'rowsPerChunk'> & {
  type: 'linked-train'
  runId: string
  pattern: string
  memoryLimitBytes?: number
  /** The link's stored count (linked-source.ts `knowRowCount`), when there is a link. */
  rowCount?: KnownRowCount
  control: SharedArrayBuffer
  progressEveryMs?: number
  /** A formula prepared by main (its state pass done): the worker trains on its design chunks (formula-chunks.ts); features and response are the design's. */
  formula?: LinkedFormula
}

export type LinkedTrainEvent =
  | { type: 'linked-chunk'; runId: string; epoch: number; rows: number }
  | { type: 'progress'; runId: string; from: number; loss: Float64Array; valLoss: Float64Array | null; params: Float64Array; elapsedMs: number }
  | { type: 'linked-done'; runId: string; result: StreamedGdResult }
  | { type: 'failed'; runId: string; inputError: boolean; message: string; hint: string; where: object }

export function isLinkedTrainMessage(message: { type: string }): message is LinkedTrainMessage {
  return message.type === 'linked-train'
}

export async function runLinkedTrainMessage(message: LinkedTrainMessage, post: (event: LinkedTrainEvent) => void): Promise<void> {
  const { type: _type, runId, pattern, memoryLimitBytes, rowCount, control, progressEveryMs, formula, ...input } = message
  let source: LinkedSource | null = null
  const started = performance.now()
  const everyMs = progressEveryMs ?? 50
  let lastChunkPost = 0
  try {
    source = await LinkedSource.open(pattern, { memoryLimitBytes, rowCount })
    const result = await streamedGradientDescent({
      ...input,
      source,
      chunks: formula ? () => designChunks(source!, formula, { where: input.where, rowsPerChunk: input.rowsPerChunk }) : undefined,
      control: readControl(control),
      onChunk: (epoch, rows) => {
        const now = performance.now()
        if (now - lastChunkPost < everyMs) return
        lastChunkPost = now
        post({ type: 'linked-chunk', runId, epoch, rows })
      },
      onEpochs: (from, to, history, params) => {
        post({
          type: 'progress',
          runId,
          from,
          loss: history.loss.slice(from, to),
          valLoss: history.valLoss ? history.valLoss.slice(from, to) : null,
          params: params.slice(),
          elapsedMs: performance.now() - started,
        })
      },
    })
    post({ type: 'linked-done', runId, result })
  } catch (e) {
    post({ type: 'failed', runId, ...jobFailure(e) })
  } finally {
    source?.close()
  }
}
