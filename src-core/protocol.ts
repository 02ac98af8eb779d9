import type { WebglCapability } from './backends/webgl/capability'
import type { InputErrorLocation } from './errors'
import type { TrainConfig } from './train/config'
import type { FitOutcome, PreparedInfo } from './train/fit-model'
import type { LrFinderOutcome } from './train/lr-finder'
import { Table, type TableSource } from './table/table'

/**
 * Messages between the training orchestrator and a compute worker — a node:worker_threads worker
 * (CPU backend) or a Chromium Web Worker (WebGL backend). Columns travel as ArrayBuffers
 * (transferred or shared), never as JSON.
 */

/** A Table as it crosses a thread boundary (structured clone keeps typed arrays and Maps). */
export interface TableTransfer {
  names: string[]
  columns: Float64Array[]
  source: TableSource
}

export function tableToTransfer(table: Table): TableTransfer {
  return { names: [...table.names], columns: [...table.columns], source: table.source }
}

export function tableFromTransfer(t: TableTransfer): Table {
  return new Table(t.names, t.columns, t.source)
}

/** Int32 slots of the control SharedArrayBuffer the host writes and the worker reads between epochs. */
export const CONTROL_SLOTS = 2
export const CONTROL_CANCEL = 0 // 1 = cancel requested
export const CONTROL_PAUSE = 1 // 1 = paused: the worker blocks in Atomics.wait until it is 0 again

export function createControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT)
}

export interface StartMessage {
  type: 'start'
  runId: string
  table: TableTransfer
  target: string
  features?: string[]
  config: TrainConfig
  /** Int32Array(CONTROL_SLOTS) over a SharedArrayBuffer. */
  control: SharedArrayBuffer
  progressEveryMs?: number
  /** Helper threads for the CPU backend's data-parallel passes (0: the worker's own thread only). */
  helperThreads?: number
}

export interface LrFinderMessage {
  type: 'lr-finder'
  requestId: string
  table: TableTransfer
  target: string
  features?: string[]
  config: TrainConfig
  minLr: number
  maxLr: number
  steps: number
}

export type WorkerRequest = StartMessage | LrFinderMessage

export interface ProgressMessage {
  type: 'progress'
  runId: string
  /** First epoch of this batch of losses. */
  from: number
  loss: Float64Array
  valLoss: Float64Array | null
  /** θ = (w, b) in training units at the end of the batch. */
  params: Float64Array
  /** Wall time since the data were ready, at the end of the batch. */
  elapsedMs: number
}

/** Sent once the data are prepared, before the first epoch. */
export interface StartedMessage {
  type: 'started'
  runId: string
  info: PreparedInfo
}

export interface DoneMessage {
  type: 'done'
  runId: string
  outcome: FitOutcome
}

export interface FailedMessage {
  type: 'failed'
  /** The run's id, or the lr-finder request's. */
  runId: string
  /** True for bad input or settings (show the sentence); false for a bug (log it). */
  inputError: boolean
  message: string
  hint: string
  where: InputErrorLocation
}

export interface LrFinderDoneMessage {
  type: 'lr-finder-done'
  requestId: string
  result: LrFinderOutcome
}

export type WorkerEvent = StartedMessage | ProgressMessage | DoneMessage | FailedMessage | LrFinderDoneMessage
/**
 * A WebGL compute worker (src-renderer/src/workers/webgl-compute-worker.ts) also answers `probe`
 * with `capability`, so its host can offer WebGL — or say why not and offer the CPU — before a
 * run. Runs use the same `start` / `progress` / `done` / `failed` messages as the CPU worker.
 */
export interface ProbeMessage {
  type: 'probe'
}

export interface CapabilityMessage {
  type: 'capability'
  capability: WebglCapability
}

export type WebglWorkerRequest = StartMessage | LrFinderMessage | ProbeMessage
export type WebglWorkerEvent = WorkerEvent | CapabilityMessage
