import { randomUUID } from 'node:crypto'
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { LiveRun, LrFinderParsed, LrFinderRequest, LrFinderResult, RunDetail, RunId, RunSummary, StartRunRequest, StoredOutcome, SweepRequest } from '../../src-core/contract'
import { lrFinderSchema, startRunSchema, sweepSchema } from '../../src-core/contract'
import { InputError } from '../../src-core/errors'
import { buildModelDocument } from '../../src-core/model-file'
import { dummyName } from '../../src-core/table/one-hot'
import { CONTROL_CANCEL, CONTROL_PAUSE, createControl, tableToTransfer, tableToWire, type ComputeStart, type WorkerEvent, type WorkerRequest } from '../../src-core/protocol'
import { parseTrainConfig, switchOptimizer, type TrainConfig } from '../../src-core/train/config'
import type { FitOutcome, PreparedInfo } from '../../src-core/train/fit-model'
import type { RunStore } from './run-store'
import type { WorkerFactory } from './train-worker'

export interface TrainingListener {
  started?(runId: RunId, info: PreparedInfo): void
  progress?(runId: RunId, from: number, loss: Float64Array, valLoss: Float64Array | null, params: Float64Array, elapsedMs: number): void
  changed?(runIds: RunId[]): void
}

export interface TrainingOptions {
  /** Runs training at once; the rest wait in a queue. Default: cores − 1, at least 1. */
  poolSize: number
  appVersion: string
  /** Worker-side batching of progress messages (≤ 20 per second per run at the default). */
  progressEveryMs?: number
  /**
   * Helper threads each run may use for data-parallel gradients (bit-identical results whatever the
   * count). Default: the cores the pool leaves, shared evenly: ⌊cores / poolSize⌋ − 1.
   */
  helperThreadsPerRun?: number
}

/** Where jobs run: a worker thread of the pool, or a remote compute provider (the page's WebGL worker). */
type Slot = { kind: 'worker'; worker: Worker; job: Job | null } | { kind: 'provider'; provider: ComputeProvider; job: Job | null }

/** A page that computes WebGL runs for main: it receives jobs and control actions, and reports back. */
export interface ComputeProvider {
  id: string
  kind: 'webgl'
  renderer: string
  start(start: ComputeStart): void
  control(runId: string, action: 'cancel' | 'pause' | 'resume'): void
}

type Job = (
  | { kind: 'run'; runId: RunId; control: SharedArrayBuffer; settle: Deferred<void> }
  | { kind: 'lr-finder'; requestId: string; request: LrFinderParsed; config: TrainConfig; settle: Deferred<LrFinderResult> }
) & { abandoned?: boolean; backend: TrainConfig['backend'] }

/** The id a job's messages carry in the worker protocol. */
function jobId(job: Job): string {
  return job.kind === 'run' ? String(job.runId) : job.requestId
}

function eventJobId(event: WorkerEvent): string {
  return event.type === 'lr-finder-done' ? event.requestId : event.runId
}

interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(e: unknown): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => {}) // observed by whoever awaits it; never an unhandled rejection
  return { promise, resolve, reject }
}

/**
 * Runs training in node:worker_threads workers: a fixed pool, a FIFO queue beyond it, cancel /
 * pause / resume through a SharedArrayBuffer per run, progress appended to the store and fanned
 * out to listeners as it arrives. Electron-free: the desktop app, browser mode and the CLI all use
 * it, and tests drive it with real workers and a real SQLite file.
 */
export class TrainingService {
  private readonly slots: Slot[] = []
  private readonly queue: Job[] = []
  private readonly runJobs = new Map<RunId, Job & { kind: 'run' }>()
  private readonly paused = new Set<RunId>()
  private readonly live = new Map<RunId, LiveRun>()
  private readonly listeners = new Set<TrainingListener>()
  private closed = false

  constructor(
    private readonly store: RunStore,
    private readonly spawn: WorkerFactory,
    private readonly options: TrainingOptions,
  ) {
    if (!(options.poolSize >= 1)) throw new Error('poolSize must be at least 1')
  }

  on(listener: TrainingListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Queues one run; rejects bad settings at once, before any run is created. */
  start(input: StartRunRequest & { groupId?: string }): RunId {
    const request = startRunSchema.parse(input)
    const config = parseTrainConfig(request.config)
    const features = this.checkColumns(request.datasetId, request.target, request.features)
    if (config.backend === 'webgl') this.requireProvider()
    const runId = this.store.createRun({
      name: request.name ?? defaultRunName(config),
      datasetId: request.datasetId,
      groupId: input.groupId ?? null,
      target: request.target,
      features,
      config,
    })
    const job: Job & { kind: 'run' } = { kind: 'run', runId, control: createControl(), settle: deferred<void>(), backend: config.backend }
    this.runJobs.set(runId, job)
    this.queue.push(job)
    this.emitChanged([runId])
    this.pump()
    return runId
  }

  /** A grid of log-spaced learning rates (× optimizers), queued as one group. */
  sweep(input: SweepRequest): { groupId: string; runIds: RunId[] } {
    const request = sweepSchema.parse(input)
    const { min, max, count } = request.learningRates
    const rates = Array.from({ length: count }, (_, i) => (count === 1 ? min : min * (max / min) ** (i / (count - 1))))
    const base = parseTrainConfig(request.config)
    const optimizers = request.optimizers ?? [base.optimizer]
    // Validate every combination before creating any run: a sweep starts whole or not at all.
    // Each optimizer with its own defaults for what the Train tab's optimizer did not set (switchOptimizer).
    const configs = optimizers.flatMap((optimizer) => rates.map((learningRate) => parseTrainConfig({ ...switchOptimizer(base, optimizer), learningRate })))
    const groupId = randomUUID()
    const prefix = request.name ?? 'sweep'
    const runIds = configs.map((config) =>
      this.start({
        datasetId: request.datasetId,
        target: request.target,
        features: request.features,
        config,
        name: `${prefix} ${optimizers.length > 1 ? `${config.optimizer} ` : ''}lr=${formatRate(config.learningRate)}`,
        groupId,
      }),
    )
    return { groupId, runIds }
  }

  cancel(runId: RunId): RunSummary {
    const job = this.runJobs.get(runId)
    if (!job) return this.store.getRunSummary(runId) // already finished: nothing to do
    const queued = this.queue.indexOf(job)
    if (queued >= 0) {
      this.queue.splice(queued, 1)
      this.store.finishRun(runId, { status: 'cancelled' })
      this.finishJob(job)
    } else {
      this.signal(job, 'cancel')
    }
    return this.summary(runId)
  }

  pause(runId: RunId): RunSummary {
    const job = this.requireActive(runId)
    this.signal(job, 'pause')
    this.paused.add(runId)
    this.emitChanged([runId])
    return this.summary(runId)
  }

  resume(runId: RunId): RunSummary {
    const job = this.requireActive(runId)
    this.signal(job, 'resume')
    this.paused.delete(runId)
    this.emitChanged([runId])
    return this.summary(runId)
  }

  /** Control a run where it computes: the shared flags of a worker thread, or a message to the provider. */
  private signal(job: Job & { kind: 'run' }, action: 'cancel' | 'pause' | 'resume'): void {
    const control = new Int32Array(job.control)
    if (action === 'cancel') {
      Atomics.store(control, CONTROL_CANCEL, 1)
      Atomics.store(control, CONTROL_PAUSE, 0)
    } else Atomics.store(control, CONTROL_PAUSE, action === 'pause' ? 1 : 0)
    Atomics.notify(control, CONTROL_PAUSE)
    const slot = this.slots.find((s) => s.job === job)
    if (slot?.kind === 'provider') slot.provider.control(String(job.runId), action)
  }

  // ---------- remote compute providers ----------

  /** A page offers its GPU; returns how to take the offer back (page closed, connection lost). */
  registerProvider(provider: ComputeProvider): () => void {
    const slot: Slot = { kind: 'provider', provider, job: null }
    this.slots.push(slot)
    this.pump()
    return () => {
      const index = this.slots.indexOf(slot)
      if (index < 0) return
      this.slots.splice(index, 1)
      const job = slot.job
      slot.job = null
      if (job) this.failJob(job, new InputError('The window computing this run on the GPU was closed or reloaded, so the run stopped.', 'Start it again, or train on the CPU backend.'))
      if (!this.slots.some((s) => s.kind === 'provider')) {
        // No GPU left: the WebGL jobs still waiting can never start.
        for (const waiting of this.queue.filter((j) => j.backend === 'webgl')) {
          this.queue.splice(this.queue.indexOf(waiting), 1)
          this.failJob(waiting, new InputError('No window offers WebGL any more, so this run cannot start on the GPU.', 'Open Slope again, or train on the CPU backend.'))
        }
      }
      this.pump()
    }
  }

  /** A provider's report about a job it computes: handled exactly like a worker thread's message. */
  report(providerId: string, event: WorkerEvent): void {
    const slot = this.slots.find((s) => s.kind === 'provider' && s.provider.id === providerId)
    if (!slot) throw new InputError('This window is not computing any run.', 'Reload the page.')
    this.onEvent(slot, event) // ignores messages about a job this provider does not hold
  }

  hasProvider(): boolean {
    return this.slots.some((s) => s.kind === 'provider')
  }

  private requireProvider(): void {
    if (!this.hasProvider()) {
      throw new InputError('No window with WebGL is connected, so this run cannot use the GPU.', 'Choose the CPU backend, or open Slope in a browser with WebGL2.')
    }
  }

  isPaused(runId: RunId): boolean {
    return this.paused.has(runId)
  }

  /** Resolves when the run has finished (any status); for the CLI and tests. */
  async waitFor(runId: RunId): Promise<RunSummary> {
    const job = this.runJobs.get(runId)
    if (job) await job.settle.promise
    return this.store.getRunSummary(runId)
  }

  findLearningRate(input: LrFinderRequest): Promise<LrFinderResult> {
    const request = lrFinderSchema.parse(input)
    const config = parseTrainConfig(request.config)
    if (request.minLr >= request.maxLr) throw new InputError('The learning-rate finder needs a start below its end.', 'Use e.g. 1e-6 to 10.')
    this.checkColumns(request.datasetId, request.target, request.features)
    if (config.backend === 'webgl') this.requireProvider()
    const job: Job & { kind: 'lr-finder' } = { kind: 'lr-finder', requestId: randomUUID(), request, config, settle: deferred<LrFinderResult>(), backend: config.backend }
    this.queue.push(job)
    this.pump()
    return job.settle.promise
  }

  /** The stored summary with the in-memory pause flag. */
  summary(runId: RunId): RunSummary {
    return this.withPause(this.store.getRunSummary(runId))
  }

  withPause<T extends RunSummary>(run: T): T {
    return this.paused.has(run.id) ? { ...run, paused: true } : run
  }

  /** A run's detail with what its worker has reported so far, while it trains. */
  detail(runId: RunId): RunDetail {
    return { ...this.withPause(this.store.getRun(runId)), live: this.live.get(runId) ?? null }
  }

  /** Stops every worker; runs still training are cancelled (their history so far is kept). */
  async close(): Promise<void> {
    this.closed = true
    for (const job of [...this.runJobs.values()]) this.cancel(job.runId)
    const deadline = Date.now() + 2000
    while (this.slots.some((s) => s.job) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    await Promise.all(this.slots.map((s) => (s.kind === 'worker' ? s.worker.terminate() : undefined)))
    this.slots.length = 0
    for (const job of this.runJobs.values()) {
      this.store.finishRun(job.runId, { status: 'cancelled', error: 'Slope was closed while this run was training.' })
      job.settle.resolve()
    }
    this.runJobs.clear()
  }

  // ---------- scheduling ----------

  private pump(): void {
    if (this.closed) return
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i]!
      const slot = job.backend === 'webgl' ? this.slots.find((s) => s.kind === 'provider' && s.job === null) : this.freeWorkerSlot()
      if (!slot) {
        i++ // this job waits; one of another kind behind it may still start
        continue
      }
      this.queue.splice(i, 1)
      slot.job = job
      try {
        this.dispatch(slot, job)
      } catch (e) {
        slot.job = null
        this.failJob(job, e)
      }
    }
  }

  private freeWorkerSlot(): Slot | null {
    const free = this.slots.find((s) => s.kind === 'worker' && s.job === null)
    if (free) return free
    return this.slots.filter((s) => s.kind === 'worker').length < this.options.poolSize ? this.addSlot() : null
  }

  private addSlot(): Slot {
    const slot: Slot = { kind: 'worker', worker: this.spawn(), job: null }
    slot.worker.on('message', (event: WorkerEvent) => this.onEvent(slot, event))
    // A worker that dies takes its job with it: fail that job with the reason, start a fresh worker.
    const onDeath = (reason: string) => {
      const index = this.slots.indexOf(slot)
      if (index < 0) return
      this.slots.splice(index, 1)
      const job = slot.job
      slot.job = null
      if (job) this.failJob(job, new Error(`The training worker stopped unexpectedly (${reason}).`))
      this.pump()
    }
    slot.worker.on('error', (e) => onDeath(e.message))
    slot.worker.on('exit', (code) => onDeath(`exit code ${code}`))
    this.slots.push(slot)
    return slot
  }

  private dispatch(slot: Slot, job: Job): void {
    if (job.kind === 'run') {
      const run = this.store.getRun(job.runId)
      const table = this.store.loadTable(run.datasetId)
      this.store.markRunning(job.runId)
      this.emitChanged([job.runId])
      const message = {
        runId: String(job.runId),
        target: run.target,
        features: run.features,
        config: run.config,
        progressEveryMs: this.options.progressEveryMs ?? 50,
        helperThreads: this.options.helperThreadsPerRun ?? Math.max(0, Math.floor(availableParallelism() / this.options.poolSize) - 1),
      }
      if (slot.kind === 'provider') {
        slot.provider.start({ kind: 'run', message: { type: 'start', ...message, table: tableToWire(tableToTransfer(table)) } })
      } else {
        const start: WorkerRequest = { type: 'start', ...message, table: tableToTransfer(table), control: job.control }
        slot.worker.postMessage(start, table.columns.map((c) => c.buffer as ArrayBuffer))
      }
    } else {
      const table = this.store.loadTable(job.request.datasetId)
      const message = {
        type: 'lr-finder' as const,
        requestId: job.requestId,
        target: job.request.target,
        features: job.request.features,
        config: job.config,
        minLr: job.request.minLr,
        maxLr: job.request.maxLr,
        steps: job.request.steps,
      }
      if (slot.kind === 'provider') slot.provider.start({ kind: 'lr-finder', message: { ...message, table: tableToWire(tableToTransfer(table)) } })
      else slot.worker.postMessage({ ...message, table: tableToTransfer(table) } satisfies WorkerRequest, table.columns.map((c) => c.buffer as ArrayBuffer))
    }
  }

  private onEvent(slot: Slot, event: WorkerEvent): void {
    const job = slot.job
    if (!job || eventJobId(event) !== jobId(job)) return // a late message of a job already given up
    const terminal = event.type !== 'progress' && event.type !== 'started'
    try {
      if (job.abandoned) {
        // The store failed this run already; only wait for the worker to let go of it.
      } else if (event.type === 'started' && job.kind === 'run') {
        this.live.set(job.runId, { info: event.info, params: null })
        for (const l of this.listeners) l.started?.(job.runId, event.info)
      } else if (event.type === 'progress' && job.kind === 'run') {
        this.store.appendHistory(job.runId, event.from, event.loss, event.valLoss, event.elapsedMs)
        const live = this.live.get(job.runId)
        if (live) live.params = event.params
        for (const l of this.listeners) l.progress?.(job.runId, event.from, event.loss, event.valLoss, event.params, event.elapsedMs)
      } else if (event.type === 'done' && job.kind === 'run') {
        this.completeRun(job.runId, event.outcome)
      } else if (event.type === 'lr-finder-done' && job.kind === 'lr-finder') {
        job.settle.resolve(event.result)
      } else if (event.type === 'failed') {
        this.failJob(job, event.inputError ? new InputError(event.message, event.hint, event.where) : new Error(event.message))
      }
    } catch (e) {
      // The store refused a write (disk full…) or a listener broke: the run cannot be kept up to
      // date, so stop it, say why, and ignore what the worker still sends for it.
      job.abandoned = true
      if (job.kind === 'run') Atomics.store(new Int32Array(job.control), CONTROL_CANCEL, 1)
      this.failJob(job, e)
    }
    if (terminal) {
      slot.job = null
      if (job.kind === 'run') this.finishJob(job)
      this.pump()
    }
  }

  private completeRun(runId: RunId, outcome: FitOutcome): void {
    const run = this.store.getRun(runId)
    const dataset = this.store.getDataset(run.datasetId)
    const model = outcome.model
      ? buildModelDocument(outcome, run.config, { file: dataset.fileName, sha256: dataset.sha256, rows: dataset.rows }, this.options.appVersion)
      : null
    // Text columns the dataset one-hot encoded and this model uses: predicting needs the same encoding.
    const used = new Set(outcome.prepared.features)
    const oneHot = dataset.oneHot.filter((e) => e.levels.some((level) => used.has(dummyName(e.column, level))))
    if (model && oneHot.length) model.one_hot = oneHot
    this.store.finishRun(runId, {
      status: outcome.status,
      divergedAt: outcome.divergedAt,
      trainMs: outcome.trainMs,
      outcome: storedOutcome(outcome),
      model,
    })
  }

  private failJob(job: Job, e: unknown): void {
    const sentence = e instanceof InputError ? e.sentence : `Training failed: ${(e as Error)?.message ?? String(e)}`
    if (job.kind === 'run') {
      try {
        this.store.finishRun(job.runId, { status: 'failed', error: sentence })
      } catch {
        // the store itself is failing (disk full); the run stays as it was and reads 'interrupted' on the next start
      }
      this.finishJob(job)
    } else {
      job.settle.reject(e instanceof InputError ? e : new Error(sentence))
    }
  }

  private finishJob(job: Job & { kind: 'run' }): void {
    if (!this.runJobs.has(job.runId)) return
    this.runJobs.delete(job.runId)
    this.paused.delete(job.runId)
    this.live.delete(job.runId)
    job.settle.resolve()
    this.emitChanged([job.runId])
  }

  private requireActive(runId: RunId): Job & { kind: 'run' } {
    const job = this.runJobs.get(runId)
    if (!job) throw new InputError(`Run ${runId} is not training.`, 'Only a queued or running run can be paused or resumed.')
    return job
  }

  private checkColumns(datasetId: number, target: string, features?: string[]): string[] {
    const dataset = this.store.getDataset(datasetId)
    const known = new Set(dataset.columns)
    for (const name of [target, ...(features ?? [])]) {
      if (!known.has(name)) {
        const excluded = dataset.excluded.find((c) => c.name === name)
        throw new InputError(
          excluded ? `Column "${name}" ${excluded.reason}, so it cannot be used as a number.` : `There is no column "${name}" in ${dataset.fileName}.`,
          `Numeric columns are: ${dataset.columns.map((c) => `"${c}"`).join(', ')}.`,
          { column: name },
        )
      }
    }
    return features ?? dataset.columns.filter((c) => c !== target)
  }

  private emitChanged(runIds: RunId[]): void {
    for (const l of this.listeners) l.changed?.(runIds)
  }
}

/** What the store keeps of a fit: everything but the (separately stored) loss history. */
export function storedOutcome(o: FitOutcome): StoredOutcome {
  return {
    target: o.prepared.target,
    features: o.prepared.features,
    model: o.model,
    trainingParams: o.trainingParams,
    metrics: o.metrics,
    exact: o.exact,
    statistics: o.statistics,
    standardization: o.prepared.standardization,
    imputation: o.prepared.imputation,
    missing: o.prepared.missing,
    trainRows: o.prepared.trainRows,
    validationRows: o.prepared.validationRows,
    stoppedEarly: o.stoppedEarly,
    bestEpoch: o.bestEpoch,
    path: o.path,
    hessianCondition: o.hessianCondition,
    backend: o.backend,
    surface: o.surface,
  }
}

function formatRate(lr: number): string {
  return Number(lr.toPrecision(3)).toString()
}

function defaultRunName(config: TrainConfig): string {
  return config.solver === 'lstsq' ? 'least squares' : `${config.optimizer} lr=${formatRate(config.learningRate)}`
}
