import type { ComputeMessage, CpuWorkerEvent, LrFinderMessage, StartMessage } from '../../src-core/protocol'
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
  report(event: CpuWorkerEvent): void
  /** It cannot start or go on (worker died, window closed, data unreadable); `e` says why. */
  fail(e: unknown): void
}

/** What a job starts with; each host turns it into its own message (transferred or plain table). */
export type JobStart =
  | { kind: 'run'; message: Omit<StartMessage, 'type' | 'table' | 'control'>; table: Table; /** Its cancel / pause flags, for a worker thread. */ control: SharedArrayBuffer }
  | { kind: 'lr-finder'; message: Omit<LrFinderMessage, 'type' | 'table'>; table: Table }
  /** A one-off computation (diagnostics, curvature): CPU worker threads only. */
  | { kind: 'compute'; message: Omit<ComputeMessage, 'type' | 'table'>; table: Table }

/** The job a worker message is about. */
export function eventJobId(event: CpuWorkerEvent): string {
  return event.type === 'lr-finder-done' || event.type === 'compute-done' ? event.requestId : event.runId
}

/** After these the worker has let go of the job: its host may start the next one. */
export function isTerminal(event: CpuWorkerEvent): boolean {
  return event.type !== 'progress' && event.type !== 'started'
}

/** One place a host runs jobs on: a worker thread or a page, and the job it holds (null when free). */
export interface HostSlot {
  job: ComputeJob | null
}

/**
 * What both compute hosts share: slots that hold one job each, the FIFO queue of jobs waiting for
 * a free slot, and the pump that starts the next job when one frees up. A host says how to find a
 * free slot (the pool may grow one) and how to hand a job to it; a job whose start throws fails.
 */
export abstract class JobHost<S extends HostSlot> {
  protected readonly slots: S[] = []
  protected readonly queue: ComputeJob[] = []
  protected starting = true

  enqueue(job: ComputeJob): void {
    this.queue.push(job)
    this.pump()
  }

  /** Takes a job that has not started out of the queue; false when it is running (or was never queued). */
  dequeue(job: ComputeJob): boolean {
    const index = this.queue.indexOf(job)
    if (index < 0) return false
    this.queue.splice(index, 1)
    return true
  }

  /** Whether some slot still holds a job. */
  get busy(): boolean {
    return this.slots.some((s) => s.job)
  }

  /** Starts nothing more (shutting down); jobs still queued stay where they are. */
  stopStarting(): void {
    this.starting = false
  }

  protected abstract freeSlot(): S | null
  protected abstract startOn(slot: S, job: ComputeJob): void

  protected pump(): void {
    if (!this.starting) return
    while (this.queue.length) {
      const slot = this.freeSlot()
      if (!slot) return
      const job = this.queue.shift()!
      slot.job = job
      try {
        this.startOn(slot, job)
      } catch (e) {
        slot.job = null
        job.fail(e)
      }
    }
  }
}
