import type { WebglCapability } from '../../../src-core/backends/webgl/capability'
import { CONTROL_CANCEL, CONTROL_SLOTS, type WebglWorkerEvent, type WebglWorkerRequest } from '../../../src-core/protocol'
import type { CaseResult, Harness, TrainReport, TrainRequest } from '../harness-api'

/**
 * The harness page: starts real Web Workers (the WebGL compute worker, the conformance worker) and
 * plays the host's part of the protocol, so specs drive it with page.evaluate.
 */
let seen = false

function computeWorker(): Worker {
  return new Worker('/webgl-compute-worker.js', { type: 'module' })
}

const harness: Harness = {
  probe() {
    const worker = computeWorker()
    return new Promise<WebglCapability>((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(e.message))
      worker.onmessage = ({ data }: MessageEvent<WebglWorkerEvent>) => {
        if (data.type === 'capability') {
          worker.terminate()
          resolve(data.capability)
        }
      }
      worker.postMessage({ type: 'probe' } satisfies WebglWorkerRequest)
    })
  },

  conformance(index, options) {
    const worker = new Worker('/conformance-worker.js', { type: 'module' })
    return new Promise<CaseResult>((resolve) => {
      worker.onerror = (e) => resolve({ ok: false, message: `worker error: ${e.message}` })
      worker.onmessage = ({ data }: MessageEvent<CaseResult>) => {
        worker.terminate()
        resolve(data)
      }
      worker.postMessage({ index, options })
    })
  },

  train(request: TrainRequest) {
    seen = false
    const worker = computeWorker()
    const control = new SharedArrayBuffer(4 * CONTROL_SLOTS)
    const flags = new Int32Array(control)
    const report: TrainReport = { events: [], streamedLoss: [], done: null, failed: null }
    return new Promise<TrainReport>((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`))
      worker.onmessage = ({ data }: MessageEvent<WebglWorkerEvent>) => {
        report.events.push(data.type)
        if (data.type === 'progress') {
          if (data.from !== report.streamedLoss.length) reject(new Error(`progress from epoch ${data.from} after ${report.streamedLoss.length} epochs`))
          report.streamedLoss.push(...data.loss)
          seen = true
          if (request.cancelAfterFirstProgress) Atomics.store(flags, CONTROL_CANCEL, 1)
        } else if (data.type === 'done') {
          const o = data.outcome
          report.done = {
            status: o.status,
            epochsRun: o.epochsRun,
            loss: Array.from(o.loss),
            valLoss: o.valLoss && Array.from(o.valLoss),
            trainingParams: o.trainingParams,
            divergedAt: o.divergedAt,
          }
        } else if (data.type === 'failed') {
          report.failed = { inputError: data.inputError, message: data.message, hint: data.hint }
        }
        if (data.type === 'done' || data.type === 'failed') {
          worker.terminate()
          resolve(report)
        }
      }
      const table = { names: request.names, columns: request.columns.map((c) => Float64Array.from(c)), source: {} }
      worker.postMessage({
        type: 'start',
        runId: 'e2e',
        table,
        target: request.target,
        config: request.config,
        control,
        progressEveryMs: 20,
      } satisfies WebglWorkerRequest)
    })
  },

  progressSeen: () => seen,
}

;(globalThis as unknown as { harness: Harness }).harness = harness
