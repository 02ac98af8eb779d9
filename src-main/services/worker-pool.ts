import type { Worker } from 'node:worker_threads'
import { tableToTransfer, type CpuWorkerEvent, type CpuWorkerRequest } from '../../src-core/protocol'
import { eventJobId, isTerminal, JobHost, type ComputeJob, type HostSlot } from './compute-job'
import type { WorkerFactory } from './train-worker'

interface Slot extends HostSlot {
  worker: Worker
}

/**
 * A fixed-size pool of node:worker_threads training workers and the FIFO queue of CPU jobs beyond
 * it (runs, learning-rate searches, one-off computations such as a run's per-row diagnostics). Workers start on first need and are reused across jobs; one that dies fails its job with the
 * reason and is replaced by the next job that needs it. Data go in as transferred ArrayBuffers.
 */
export class WorkerPool extends JobHost<Slot> {
  constructor(
    private readonly spawn: WorkerFactory,
    private readonly size: number,
  ) {
    super()
    if (!(size >= 1)) throw new Error('poolSize must be at least 1')
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    this.starting = false
    await Promise.all(this.slots.map((s) => s.worker.terminate()))
    this.slots.length = 0
  }

  protected freeSlot(): Slot | null {
    const free = this.slots.find((s) => s.job === null)
    if (free) return free
    return this.slots.length < this.size ? this.addSlot() : null
  }

  private addSlot(): Slot {
    const slot: Slot = { worker: this.spawn(), job: null }
    slot.worker.on('message', (event: CpuWorkerEvent) => this.onMessage(slot, event))
    // A worker that dies takes its job with it: fail that job with the reason, start a fresh worker.
    const onDeath = (reason: string) => {
      const index = this.slots.indexOf(slot)
      if (index < 0) return
      this.slots.splice(index, 1)
      const job = slot.job
      slot.job = null
      if (job) job.fail(new Error(`The training worker stopped unexpectedly (${reason}).`))
      this.pump()
    }
    slot.worker.on('error', (e) => onDeath(e.message))
    slot.worker.on('exit', (code) => onDeath(`exit code ${code}`))
    this.slots.push(slot)
    return slot
  }

  protected startOn({ worker }: Slot, job: ComputeJob): void {
    const start = job.begin()
    const transfer = start.table.columns.map((c) => c.buffer as ArrayBuffer)
    const table = tableToTransfer(start.table)
    const message: CpuWorkerRequest =
      start.kind === 'run'
        ? { type: 'start', ...start.message, table, control: start.control }
        : start.kind === 'lr-finder'
          ? { type: 'lr-finder', ...start.message, table }
          : { type: 'compute', ...start.message, table }
    worker.postMessage(message, transfer)
  }

  private onMessage(slot: Slot, event: CpuWorkerEvent): void {
    const job = slot.job
    if (!job || eventJobId(event) !== job.id) return // a late message of a job already given up
    try {
      job.report(event)
    } finally {
      if (isTerminal(event)) {
        slot.job = null
        this.pump()
      }
    }
  }
}
