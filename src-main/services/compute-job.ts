import type { LrFinderMessage, StartMessage, WorkerEvent } from '../../src-core/protocol'
import type { Table } from '../../src-core/table/table'
import type { TrainConfig } from '../../src-core/train/config'

/**
 * A run or learning-rate search as the training service hands it to a compute host — the pool of
 * worker threads (CPU) or a page that offers its GPU (WebGL). The host decides when it starts and
 * carries its messages; the job itself knows what to send and what a report means for the store.
 */
export interface ComputeJob {
  /** The id its worker messages carry: the run id as text, or the learning-rate search's request id. */
  readonly id: string
  readonly backend: TrainConfig['backend']
  /** Called when a host is free for it: marks it started and reads its data (a queued job holds none). */
  begin(): JobStart
  /** A message its worker sent about it (already matched to its id). */
  report(event: WorkerEvent): void
  /** It cannot start or go on (worker died, window closed, data unreadable); `e` says why. */
  fail(e: unknown): void
}

/** What a job starts with; each host turns it into its own message (transferred or plain table). */
export type JobStart =
  | { kind: 'run'; message: Omit<StartMessage, 'type' | 'table' | 'control'>; table: Table; /** Its cancel / pause flags, for a worker thread. */ control: SharedArrayBuffer }
  | { kind: 'lr-finder'; message: Omit<LrFinderMessage, 'type' | 'table'>; table: Table }

/** The job a worker message is about. */
export function eventJobId(event: WorkerEvent): string {
  return event.type === 'lr-finder-done' ? event.requestId : event.runId
}

/** After these the worker has let go of the job: its host may start the next one. */
export function isTerminal(event: WorkerEvent): boolean {
  return event.type !== 'progress' && event.type !== 'started'
}
