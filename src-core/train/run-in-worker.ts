import { isInputError } from '../errors'
import { CONTROL_CANCEL, tableFromTransfer, type StartMessage, type WorkerEvent } from '../protocol'
import type { ComputeBackend } from '../backends/backend'
import { fitModel } from './fit-model'

/**
 * The body of every compute worker, whatever hosts it: runs one StartMessage and reports through
 * `post`. Progress carries copies of the new losses only (a few KB), never the whole history.
 */
export async function runStartMessage(
  message: StartMessage,
  post: (event: WorkerEvent, transfer?: ArrayBuffer[]) => void,
  backend?: ComputeBackend,
): Promise<void> {
  const { runId } = message
  const control = new Int32Array(message.control)
  try {
    const outcome = await fitModel({
      table: tableFromTransfer(message.table),
      target: message.target,
      features: message.features,
      config: message.config,
      backend,
      hooks: {
        control: { cancelled: () => Atomics.load(control, CONTROL_CANCEL) === 1 },
        progressEveryMs: message.progressEveryMs,
        onProgress: (from, to, history) => {
          const loss = history.loss.slice(from, to)
          const valLoss = history.valLoss ? history.valLoss.slice(from, to) : null
          post({ type: 'progress', runId, from, loss, valLoss }, valLoss ? [loss.buffer, valLoss.buffer] : [loss.buffer])
        },
      },
    })
    post({ type: 'done', runId, outcome })
  } catch (e) {
    if (isInputError(e)) post({ type: 'failed', runId, inputError: true, message: e.message, hint: e.hint, where: e.where })
    else post({ type: 'failed', runId, inputError: false, message: (e as Error)?.message ?? String(e), hint: '', where: {} })
  }
}
