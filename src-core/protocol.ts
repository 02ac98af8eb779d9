import type { WebglCapability } from './backends/webgl/capability'
import type { InputErrorLocation } from './errors'
import type { TrainConfig } from './train/config'
import type { FitOutcome } from './train/fit-model'
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

/** Int32 slots of the control SharedArrayBuffer the host writes and the worker reads between steps. */
export const CONTROL_SLOTS = 1
export const CONTROL_CANCEL = 0 // slot index: 1 = cancel requested

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
}

export type WorkerRequest = StartMessage

export interface ProgressMessage {
  type: 'progress'
  runId: string
  /** First epoch of this batch of losses. */
  from: number
  loss: Float64Array
  valLoss: Float64Array | null
}

export interface DoneMessage {
  type: 'done'
  runId: string
  outcome: FitOutcome
}

export interface FailedMessage {
  type: 'failed'
  runId: string
  /** True for bad input or settings (show the sentence); false for a bug (log it). */
  inputError: boolean
  message: string
  hint: string
  where: InputErrorLocation
}

export type WorkerEvent = ProgressMessage | DoneMessage | FailedMessage

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

export type WebglWorkerRequest = StartMessage | ProbeMessage
export type WebglWorkerEvent = WorkerEvent | CapabilityMessage
