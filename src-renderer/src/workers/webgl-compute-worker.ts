import { probeWebgl } from '../../../src-core/backends/webgl/device'
import { WebglBackend } from '../../../src-core/backends/webgl/webgl-backend'
import type { FailedMessage, StartMessage, WebglWorkerEvent, WebglWorkerRequest } from '../../../src-core/protocol'
import { runLrFinderMessage, runStartMessage } from '../../../src-core/train/run-in-worker'

/**
 * Web Worker entry of the WebGL backend (DESIGN.md, "Compute hosts"): started by the invisible
 * compute window (desktop) or the page (browser mode), it speaks src-core/protocol.ts exactly as
 * the CPU worker (src-main/workers/train.ts) does — `start` in; `progress`, `done`, `failed` out —
 * and also answers `probe` with the WebGL capability. The run is synchronous and never yields to
 * the message queue, so cancellation arrives through the shared control buffer, as for the CPU.
 */
interface WorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<WebglWorkerRequest>) => void): void
  postMessage(message: WebglWorkerEvent, transfer: Transferable[]): void
}

const scope = globalThis as unknown as WorkerScope
const post = (event: WebglWorkerEvent, transfer?: ArrayBuffer[]) => scope.postMessage(event, transfer ?? [])

scope.addEventListener('message', ({ data: message }) => {
  if (message.type === 'probe') post({ type: 'capability', capability: probeWebgl() })
  else if (message.type === 'start') {
    const refusal = refuse(message)
    if (refusal) post(refusal)
    else void runStartMessage(message, post, new WebglBackend())
  } else if (message.type === 'lr-finder') {
    void runLrFinderMessage(message, post, new WebglBackend())
  }
})

/** WebGL computes in f32 only: an f64 run would be mislabelled, so it is refused with the fix. */
function refuse(message: StartMessage): FailedMessage | null {
  if (message.config.solver !== 'gd' || message.config.precision === 'f32') return null
  return {
    type: 'failed',
    runId: message.runId,
    inputError: true,
    message: 'The WebGL backend computes in single precision (f32) only.',
    hint: 'Set the precision to f32, or train on the CPU backend for f64.',
    where: {},
  }
}
