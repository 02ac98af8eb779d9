import type { WebglCapability } from './backends/webgl/capability'
import type { FixableText, InputErrorLocation } from './errors'
import type { TrainConfig } from './train/config'
import type { FitOutcome, PreparedInfo } from './train/fit-model'
import type { LrFinderOutcome } from './train/lr-finder'
import type { CurvatureJson } from './model/curvature'
import type { RunDiagnostics, diagnosticsOfRun } from './model/row-diagnostics'
import type { RunControl } from './train/train-loop'
import { InputError } from './errors'
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

/** [column index, data row, original text]: a Table's cell texts as plain data. */
export type CellTextTriple = [column: number, row: number, text: string]

/**
 * A Table as plain data, for every boundary that has no structured clone of Maps — browser mode's
 * WebSocket, the contract's upload, the dataset record in SQLite: the Map of cell texts flattened
 * to [column, row, text] triples. `tableToPlain` / `tableFromPlain` are the one conversion.
 */
export interface PlainTable {
  names: string[]
  columns: Float64Array[]
  source: Omit<TableSource, 'cellText'> & { cellText: CellTextTriple[] }
}

export function tableToPlain(table: Table | TableTransfer): PlainTable {
  const cellText: CellTextTriple[] = []
  for (const [column, rows] of table.source.cellText ?? []) for (const [row, text] of rows) cellText.push([column, row, text])
  return { names: [...table.names], columns: [...table.columns], source: { ...table.source, cellText } }
}

/**
 * The Table of plain data that came from outside (a page, a script, the database): a shape a Table
 * cannot have — names and columns that do not pair up, columns of different lengths, a name twice —
 * is an InputError saying so, not the Table constructor's bare assertion.
 */
export function tableFromPlain(plain: PlainTable): Table {
  const { names, columns } = plain
  const file = plain.source.file
  const where = file ? ` in ${file}` : ''
  if (names.length !== columns.length) {
    throw new InputError(`The table has ${names.length} column name${names.length === 1 ? '' : 's'} for ${columns.length} column${columns.length === 1 ? '' : 's'}${where}.`, 'Import the file again.', { file })
  }
  const rows = columns[0]?.length ?? 0
  const uneven = columns.findIndex((c) => c.length !== rows)
  if (uneven >= 0) {
    throw new InputError(`Column "${names[uneven]}" has ${columns[uneven]!.length} rows, but "${names[0]}" has ${rows}${where}.`, 'Import the file again.', { file, column: names[uneven] })
  }
  const seen = new Map<string, number>()
  for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1)
  for (const [name, times] of seen) {
    if (times > 1) {
      throw new InputError(`Column names must be unique: "${name}" appears ${times === 2 ? 'twice' : `${times} times`}${where}.`, 'Rename the repeated columns in the file and import it again.', { file, column: name })
    }
  }
  const cellText = new Map<number, Map<number, string>>()
  for (const [column, row, text] of plain.source.cellText) {
    if (!cellText.has(column)) cellText.set(column, new Map())
    cellText.get(column)!.set(row, text)
  }
  return new Table(names, columns, { ...plain.source, cellText })
}

/** Int32 slots of the control SharedArrayBuffer the host writes and the worker reads between epochs. */
export const CONTROL_SLOTS = 2
export const CONTROL_CANCEL = 0 // 1 = cancel requested
export const CONTROL_PAUSE = 1 // 1 = paused: the worker blocks in Atomics.wait until it is 0 again

export function createControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT)
}

export type ControlAction = 'cancel' | 'pause' | 'resume'

/** The host's side: cancel, pause or resume the run that reads these flags. */
export function setControl(control: SharedArrayBuffer | Int32Array, action: ControlAction): void {
  const flags = control instanceof Int32Array ? control : new Int32Array(control)
  if (action === 'cancel') {
    Atomics.store(flags, CONTROL_CANCEL, 1)
    Atomics.store(flags, CONTROL_PAUSE, 0) // a paused worker must wake up to see the cancel
  } else Atomics.store(flags, CONTROL_PAUSE, action === 'pause' ? 1 : 0)
  Atomics.notify(flags, CONTROL_PAUSE)
}

/** The worker's side, read between epochs: blocking while paused is allowed in a worker thread only. */
export function readControl(control: SharedArrayBuffer): Required<RunControl> {
  const flags = new Int32Array(control)
  return {
    cancelled: () => Atomics.load(flags, CONTROL_CANCEL) === 1,
    waitWhilePaused: () => {
      // Atomics.wait returns at once when the flag changed since the load, so no resume is missed.
      while (Atomics.load(flags, CONTROL_PAUSE) === 1) Atomics.wait(flags, CONTROL_PAUSE, 1, 1000)
    },
  }
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
  /** Bad input's words before the fixes are named, with the fixes (src-core/errors.ts); absent for a bug. */
  text?: FixableText
}

export interface LrFinderDoneMessage {
  type: 'lr-finder-done'
  requestId: string
  result: LrFinderOutcome
}

export type WorkerEvent = StartedMessage | ProgressMessage | DoneMessage | FailedMessage | LrFinderDoneMessage
/**
 * A computation on a stored table answered once, with no progress and no control: the CPU worker
 * runs it so main's event loop keeps answering while it computes (~0.3 s for 1M × 4 rows).
 */
export type ComputeRequest =
  | { kind: 'diagnostics'; run: Parameters<typeof diagnosticsOfRun>[1]; options: { dfbetas?: boolean; addedVariable?: string } }
  | { kind: 'curvature'; target: string; features?: string[]; config: TrainConfig }

/** What each kind of ComputeRequest answers. */
export interface ComputeResults {
  diagnostics: RunDiagnostics
  curvature: CurvatureJson
}

export interface ComputeMessage {
  type: 'compute'
  requestId: string
  table: TableTransfer
  request: ComputeRequest
}

export interface ComputeDoneMessage {
  type: 'compute-done'
  requestId: string
  result: ComputeResults[ComputeRequest['kind']]
}

/** What the CPU worker thread accepts and sends: every WorkerRequest / WorkerEvent, and the one-off computations. */
export type CpuWorkerRequest = WorkerRequest | ComputeMessage
export type CpuWorkerEvent = WorkerEvent | ComputeDoneMessage

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
  | { kind: 'run'; message: Omit<StartMessage, 'table' | 'control'> & { table: PlainTable } }
  | { kind: 'lr-finder'; message: Omit<LrFinderMessage, 'table'> & { table: PlainTable } }
