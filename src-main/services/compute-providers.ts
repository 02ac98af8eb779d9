import { workerEventSchema } from '../../src-core/contract'
import { InputError } from '../../src-core/errors'
import { parseInput } from '../../src-core/parse-input'
import { tableToPlain, type ComputeStart, type ControlAction, type WorkerEvent } from '../../src-core/protocol'
import { eventJobId, isTerminal, JobHost, type ComputeJob, type HostSlot } from './compute-job'

/** A page that computes WebGL runs for main: it receives jobs and control actions, and reports back. */
export interface ComputeProvider {
  id: string
  kind: 'webgl'
  renderer: string
  start(start: ComputeStart): void
  control(runId: string, action: ControlAction): void
}

interface Slot extends HostSlot {
  provider: ComputeProvider
}

/**
 * The pages that offer their GPU (DESIGN.md "Compute hosts"), one job each at a time, and the FIFO
 * queue of WebGL jobs waiting for one. A page's reports are untrusted: each is checked against the
 * contract's worker-event schema before the job sees it, and a malformed one fails the job it held.
 */
export class ComputeProviders extends JobHost<Slot> {
  /** A page offers its GPU; returns how to take the offer back (page closed, connection lost). */
  register(provider: ComputeProvider): () => void {
    const slot: Slot = { provider, job: null }
    this.slots.push(slot)
    this.pump()
    return () => {
      const index = this.slots.indexOf(slot)
      if (index < 0) return
      this.slots.splice(index, 1)
      const job = slot.job
      slot.job = null
      if (job) job.fail(new InputError('The window computing this run on the GPU was closed or reloaded, so the run stopped.', 'Start it again, or train on the CPU backend.'))
      if (!this.slots.length) {
        // No GPU left: the WebGL jobs still waiting can never start.
        for (const waiting of this.queue.splice(0)) {
          waiting.fail(new InputError('No window offers WebGL any more, so this run cannot start on the GPU.', 'Open Slope again, or train on the CPU backend.'))
        }
      }
      this.pump()
    }
  }

  has(): boolean {
    return this.slots.length > 0
  }

  /** A provider's report about the job it computes: checked, then handled exactly like a worker thread's message. */
  report(providerId: string, report: unknown): void {
    const slot = this.slots.find((s) => s.provider.id === providerId)
    if (!slot) throw new InputError('This window is not computing any run.', 'Reload the page.')
    let event: WorkerEvent
    try {
      event = parseInput(workerEventSchema, report, { input: 'the GPU window’s report', hint: 'Reload the page, or train on the CPU backend.' })
    } catch (e) {
      // Nothing of it is stored. The page's worker is not speaking the protocol, so the job it
      // holds cannot be trusted to finish: stop it there, fail it here with the reason, move on.
      const job = slot.job
      if (job) {
        slot.job = null
        slot.provider.control(job.id, 'cancel')
        job.fail(new InputError(`The GPU window sent a malformed report, so the run stopped: ${(e as InputError).message}`, 'Start it again, or train on the CPU backend.'))
        this.pump()
      }
      throw e
    }
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

  /** Passes cancel / pause / resume to the page computing the job, if one is. */
  control(job: ComputeJob, action: ControlAction): void {
    this.slots.find((s) => s.job === job)?.provider.control(job.id, action)
  }

  /** Forgets every page (their connections close with the app). */
  close(): void {
    this.starting = false
    this.slots.length = 0
  }

  protected freeSlot(): Slot | null {
    return this.slots.find((s) => s.job === null) ?? null
  }

  protected startOn(slot: Slot, job: ComputeJob): void {
    const start = job.begin()
    if (start.kind === 'compute') throw new Error('one-off computations run on the CPU worker pool')
    const table = tableToPlain(start.table)
    slot.provider.start(
      start.kind === 'run' ? { kind: 'run', message: { type: 'start', ...start.message, table } } : { kind: 'lr-finder', message: { type: 'lr-finder', ...start.message, table } },
    )
  }
}
