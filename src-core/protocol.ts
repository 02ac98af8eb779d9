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

/**
 * A table as it crosses a process boundary that has no structured clone (browser mode's
 * WebSocket): the Map of cell texts flattened to [column, row, text] triples.
 */
export interface WireTable {
  names: string[]
  columns: Float64Array[]
  source: Omit<TableSource, 'cellText'> & { cellText: [number, number, string][] }
}

export function tableToWire(t: TableTransfer): WireTable {
  const cellText: [number, number, string][] = []
  for (const [column, rows] of t.source.cellText ?? []) for (const [row, text] of rows) cellText.push([column, row, text])
  return { names: t.names, columns: t.columns, source: { ...t.source, cellText } }
}

export function tableFromWire(t: WireTable): TableTransfer {
  const cellText = new Map<number, Map<number, string>>()
  for (const [column, row, text] of t.source.cellText) {
    if (!cellText.has(column)) cellText.set(column, new Map())
    cellText.get(column)!.set(row, text)
  }
  return { names: t.names, columns: t.columns, source: { ...t.source, cellText } }
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

/** A run or learning-rate search as main hands it to a remote compute provider (the page's WebGL worker). */
export type ComputeStart =
  | { kind: 'run'; message: Omit<StartMessage, 'table' | 'control'> & { table: WireTable } }
  | { kind: 'lr-finder'; message: Omit<LrFinderMessage, 'table'> & { table: WireTable } }
