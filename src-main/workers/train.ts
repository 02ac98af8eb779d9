import { parentPort } from 'node:worker_threads'
import type { WorkerRequest, WorkerEvent } from '../../src-core/protocol'
import { runStartMessage } from '../../src-core/train/run-in-worker'

/**
 * node:worker_threads entry: trains one run per message with the CPU backend, off the main
 * process's event loop. Cancellation arrives through the shared control buffer, not a message,
 * because the loop is synchronous and never yields to the message queue.
 */
const port = parentPort
if (!port) throw new Error('workers/train.ts must run as a worker thread')

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'start') {
    void runStartMessage(message, (event: WorkerEvent, transfer?: ArrayBuffer[]) => port.postMessage(event, transfer ?? []))
  }
})
