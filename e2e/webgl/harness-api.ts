import type { ConformanceOptions } from '../../src-core/backends/conformance'
import type { WebglCapability } from '../../src-core/backends/webgl/capability'
import type { TrainConfig } from '../../src-core/train/config'

/**
 * What the harness page (browser/page-harness.ts) offers the specs through page.evaluate: plain,
 * JSON-safe arguments and results, so nothing depends on how Playwright serializes typed arrays.
 */
export interface CaseResult {
  ok: boolean
  message: string
}

export interface TrainRequest {
  names: string[]
  columns: number[][]
  target: string
  config: TrainConfig
  /** Set the cancel flag as soon as the first progress message arrives. */
  cancelAfterFirstProgress?: boolean
}

export interface TrainReport {
  /** Event types in arrival order, e.g. ['progress', 'progress', 'done']. */
  events: string[]
  /** Losses as streamed by the progress messages, concatenated. */
  streamedLoss: number[]
  done: { status: string; epochsRun: number; loss: number[]; valLoss: number[] | null; trainingParams: number[]; divergedAt: number | null } | null
  failed: { inputError: boolean; message: string; hint: string } | null
}

export interface Harness {
  /** Asks the WebGL compute worker for its capability. */
  probe(): Promise<WebglCapability>
  /** Runs conformance case `index` against the WebGL backend in a Web Worker. */
  conformance(index: number, options: ConformanceOptions): Promise<CaseResult>
  /** Trains through the WebGL compute worker's protocol, as a host would. */
  train(request: TrainRequest): Promise<TrainReport>
  /** Whether a `train` in flight has received progress (for tests that act mid-run). */
  progressSeen(): boolean
}
