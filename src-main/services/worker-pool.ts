import type { Worker } from 'node:worker_threads'
import { tableToTransfer, type WorkerEvent, type WorkerRequest } from '../../src-core/protocol'
import { eventJobId, isTerminal, type ComputeJob } from './compute-job'
import type { WorkerFactory } from './train-worker'

interface Slot {
  worker: Worker
  job: ComputeJob | null
}

/**
 * A fixed-size pool of node:worker_threads training workers and the FIFO queue of CPU jobs beyond
 * it. Workers start on first need and are reused across jobs; one that dies fails its job with the
 * reason and is replaced by the next job that needs it. Data go in as transferred ArrayBuffers.
 */
export class WorkerPool {
  private readonly slots: Slot[] = []
  private readonly queue: ComputeJob[] = []
  private starting = true

  constructor(
    private readonly spawn: WorkerFactory,
    private readonly size: number,
  ) {
    if (!(size >= 1)) throw new Error('poolSize must be at least 1')
  }

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

  /** Whether some worker still holds a job. */
  get busy(): boolean {
    return this.slots.some((s) => s.job)
  }

  /** Starts nothing more (shutting down); jobs still queued stay where they are. */
  stopStarting(): void {
    this.starting = false
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    this.starting = false
    await Promise.all(this.slots.map((s) => s.worker.terminate()))
    this.slots.length = 0
  }

  private pump(): void {
    if (!this.starting) return
    while (this.queue.length) {
      const slot = this.freeSlot()
      if (!slot) return
      const job = this.queue.shift()!
      slot.job = job
      try {
        this.start(slot.worker, job)
      } catch (e) {
        slot.job = null
        job.fail(e)
      }
    }
  }

  private freeSlot(): Slot | null {
    const free = this.slots.find((s) => s.job === null)
    if (free) return free
    return this.slots.length < this.size ? this.addSlot() : null
  }

  private addSlot(): Slot {
    const slot: Slot = { worker: this.spawn(), job: null }
    slot.worker.on('message', (event: WorkerEvent) => this.onMessage(slot, event))
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

  private start(worker: Worker, job: ComputeJob): void {
    const start = job.begin()
    const transfer = start.table.columns.map((c) => c.buffer as ArrayBuffer)
    const table = tableToTransfer(start.table)
    const message: WorkerRequest =
      start.kind === 'run' ? { type: 'start', ...start.message, table, control: start.control } : { type: 'lr-finder', ...start.message, table }
    worker.postMessage(message, transfer)
  }

  private onMessage(slot: Slot, event: WorkerEvent): void {
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
