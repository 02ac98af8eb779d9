import { parentPort } from 'node:worker_threads'
import type { WorkerEvent, WorkerRequest } from '../../src-core/protocol'
import { runLrFinderMessage, runStartMessage } from '../../src-core/train/run-in-worker'

/**
 * node:worker_threads entry: trains one run at a time with the CPU backend, off the main
 * process's event loop. Started by services/training.ts, one worker per pool slot.
 */
const port = parentPort
if (!port) throw new Error('workers/train.ts must run as a worker thread')

const post = (event: WorkerEvent, transfer?: ArrayBuffer[]) => port.postMessage(event, transfer ?? [])

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'start') void runStartMessage(message, post)
  else if (message.type === 'lr-finder') void runLrFinderMessage(message, post)
})
