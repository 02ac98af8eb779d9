import { randomUUID } from 'node:crypto'
import { defaultRunName, SWEEP_PREFIX, sweepRunName } from '../../src-core/train/run-names'
import { availableParallelism } from 'node:os'
import type { LiveRun, ScanProgress, LrFinderParsed, LrFinderRequest, LrFinderResult, RunDetail, RunId, RunSummary, StartRunRequest, StoredOutcome, SweepRequest } from '../../src-core/contract'
import { curvatureRequestSchema, lrFinderSchema, startRunSchema, sweepSchema, type CurvatureReport, type CurvatureRequest } from '../../src-core/contract'
import { InputError } from '../../src-core/errors'
import { parseInput } from '../../src-core/parse-input'
import { encodeRunError } from '../../src-core/run-error-record'
import { createControl, setControl, type ComputeRequest, type ComputeResults, type ControlAction, type CpuWorkerEvent, type WorkerEvent } from '../../src-core/protocol'
import { parseTrainConfig, switchOptimizer, type TrainConfig } from '../../src-core/train/config'
import type { FitOutcome, PreparedInfo } from '../../src-core/train/fit-model'
import { designTable, trainingDesign, type FormulaDesign, type RowChoice } from '../../src-core/formula/design-matrix'
import { formulaDocument, type FormulaDocument } from '../../src-core/formula/formula-document'
import { Table } from '../../src-core/table/table'
import { checkColumns } from './check-columns'
import type { ComputeJob, JobStart } from './compute-job'
import { ComputeProviders, type ComputeProvider } from './compute-providers'
import { modelDocumentOf } from './export'
import { LinkedRuns } from './linked-runs'
import type { RunStore } from './run-store'
import type { WorkerFactory } from './train-worker'
import { WorkerPool } from './worker-pool'

export type { ComputeProvider }

export interface TrainingListener {
  started?(runId: RunId, info: PreparedInfo): void
  progress?(runId: RunId, from: number, loss: Float64Array, valLoss: Float64Array | null, params: Float64Array, elapsedMs: number): void
  changed?(runIds: RunId[]): void
  /** A linked run's scan moved on (linked-runs.ts). */
  scan?(progress: ScanProgress): void
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

/** A run as the service tracks it from queued to finished. */
interface RunJob extends ComputeJob {
  readonly runId: RunId
  readonly control: SharedArrayBuffer
  readonly settle: Deferred<void>
  /** The store failed this run already; what its worker still sends is ignored. */
  abandoned: boolean
  /** A formula run's formula as the model file records it (levels, scale() statistics), set when it starts. */
  formula: FormulaDocument | null
  /** The design its sweep built once for all its runs, until this run starts (then let go). */
  sweepDesign: BuiltDesign | null
}

/** A formula evaluated on a stored dataset: the design, and the table training takes (response first, one column per design column). */
interface BuiltDesign {
  design: FormulaDesign
  table: Table
}

/** What a request trains on: columns by name, or a formula's response and design columns. */
interface ModelColumns {
  target: string
  features: string[] | undefined
  config: TrainConfig
  formula: string | null
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
 * The life of a run: validated and created (start, sweep), queued on the compute host its backend
 * needs — the worker pool (CPU) or a page's GPU (WebGL) — controlled (cancel / pause / resume through
 * the run's shared flags), and its progress appended to the store and fanned out to listeners as it
 * arrives, until it finishes with its model document. Electron-free: the desktop app, browser mode
 * and the CLI all use it, and tests drive it with real workers and a real SQLite file.
 */
export class TrainingService {
  private readonly pool: WorkerPool
  /**
   * One worker of its own for one-off computations (diagnostics, curvature): they answer a click or
   * a settings change, so they must not wait behind a training run that may take minutes.
   */
  private readonly computePool: WorkerPool
  private readonly providers = new ComputeProviders()
  private readonly runJobs = new Map<RunId, RunJob>()
  private readonly paused = new Set<RunId>()
  private readonly live = new Map<RunId, LiveRun>()
  private readonly listeners = new Set<TrainingListener>()
  /** Runs on linked datasets: streamed from their files in a worker of their own (linked-runs.ts). */
  private readonly linked: LinkedRuns

  constructor(
    private readonly store: RunStore,
    spawn: WorkerFactory,
    private readonly options: TrainingOptions,
  ) {
    this.pool = new WorkerPool(spawn, options.poolSize)
    this.computePool = new WorkerPool(spawn, 1)
    this.linked = new LinkedRuns(store, spawn, { appVersion: options.appVersion, listeners: this.listeners })
  }

  on(listener: TrainingListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Queues one run; rejects bad settings at once, before any run is created. */
  start(input: StartRunRequest & { groupId?: string }): RunId {
    return this.startRun(input, null)
  }

  /** `start`, with the design its sweep built for every run of it (null: built here, and again when it starts). */
  private startRun(input: StartRunRequest & { groupId?: string }, sweepDesign: BuiltDesign | null): RunId {
    const request = parseInput(startRunSchema, input)
    const dataset = this.store.getDataset(request.datasetId)
    if (dataset.linked) return this.linked.start({ ...request, groupId: input.groupId }, parseTrainConfig(request.config), dataset)
    const { target, features, config, formula } = this.modelColumns(request, parseTrainConfig(request.config), sweepDesign)
    if (config.backend === 'webgl') this.requireProvider()
    const runId = this.store.createRun({
      name: request.name ?? defaultRunName(config),
      datasetId: request.datasetId,
      groupId: input.groupId ?? null,
      target,
      features: features!,
      config,
      formula,
    })
    const job = this.runJob(runId, config.backend)
    job.sweepDesign = sweepDesign
    this.runJobs.set(runId, job)
    this.emitChanged([runId])
    this.host(job).enqueue(job)
    return runId
  }

  /** A grid of log-spaced learning rates (× optimizers), queued as one group. */
  sweep(input: SweepRequest): { groupId: string; runIds: RunId[] } {
    const request = parseInput(sweepSchema, input)
    this.refuseLinked(request.datasetId, 'A sweep', 'Train one run at a time on it, or import the file to sweep.')
    const { min, max, count } = request.learningRates
    const rates = Array.from({ length: count }, (_, i) => (count === 1 ? min : min * (max / min) ** (i / (count - 1))))
    const base = parseTrainConfig(request.config)
    // The runs of a sweep share its data and formula: the design is built once, here (a bad formula
    // fails the whole sweep before any run exists), and each run starts on a copy of it.
    const sweepDesign = request.formula === undefined ? null : this.designOf(request.datasetId, request.formula, base)
    if (sweepDesign) this.modelColumns(request, base, sweepDesign)
    const optimizers = request.optimizers ?? [base.optimizer]
    // Validate every combination before creating any run: a sweep starts whole or not at all.
    // Each optimizer with its own defaults for what the Train tab's optimizer did not set (switchOptimizer).
    const configs = optimizers.flatMap((optimizer) => rates.map((learningRate) => parseTrainConfig({ ...switchOptimizer(base, optimizer), learningRate })))
    const groupId = randomUUID()
    const prefix = request.name ?? SWEEP_PREFIX
    const runIds = configs.map((config) =>
      this.startRun(
        {
          datasetId: request.datasetId,
          target: request.target,
          features: request.features,
          formula: request.formula,
          config,
          name: sweepRunName(prefix, config, optimizers.length > 1),
          groupId,
        },
        sweepDesign,
      ),
    )
    return { groupId, runIds }
  }

  cancel(runId: RunId): RunSummary {
    if (this.linked.has(runId)) {
      this.linked.cancel(runId)
      return this.summary(runId)
    }
    const job = this.runJobs.get(runId)
    if (!job) return this.store.getRunSummary(runId) // already finished: nothing to do
    if (this.host(job).dequeue(job)) {
      this.store.finishRun(runId, { status: 'cancelled' })
      this.finishJob(job)
    } else {
      this.signal(job, 'cancel')
    }
    return this.summary(runId)
  }

  pause(runId: RunId): RunSummary {
    if (this.linked.has(runId)) {
      this.linked.pause(runId)
      return this.summary(runId)
    }
    const job = this.requireActive(runId)
    this.signal(job, 'pause')
    this.paused.add(runId)
    this.emitChanged([runId])
    return this.summary(runId)
  }

  resume(runId: RunId): RunSummary {
    if (this.linked.has(runId)) {
      this.linked.resume(runId)
      return this.summary(runId)
    }
    const job = this.requireActive(runId)
    this.signal(job, 'resume')
    this.paused.delete(runId)
    this.emitChanged([runId])
    return this.summary(runId)
  }

  /** Control a run where it computes: the shared flags of a worker thread, or a message to the page. */
  private signal(job: RunJob, action: ControlAction): void {
    setControl(job.control, action)
    if (job.backend === 'webgl') this.providers.control(job, action)
  }

  // ---------- remote compute providers (see compute-providers.ts) ----------

  /** A page offers its GPU; returns how to take the offer back (page closed, connection lost). */
  registerProvider(provider: ComputeProvider): () => void {
    return this.providers.register(provider)
  }

  /** A provider's report about a job it computes (untrusted: checked before anything is stored). */
  report(providerId: string, event: unknown): void {
    this.providers.report(providerId, event)
  }

  hasProvider(): boolean {
    return this.providers.has()
  }

  private requireProvider(): void {
    if (!this.hasProvider()) {
      throw new InputError('No window with WebGL is connected, so this run cannot use the GPU.', 'Choose the CPU backend, or open Slope in a browser with WebGL2.')
    }
  }

  isPaused(runId: RunId): boolean {
    return this.paused.has(runId) || this.linked.isPaused(runId)
  }

  /** Resolves when the run has finished (any status); for the CLI and tests. */
  async waitFor(runId: RunId): Promise<RunSummary> {
    const job = this.runJobs.get(runId)
    if (job) await job.settle.promise
    await this.linked.waitFor(runId)
    return this.store.getRunSummary(runId)
  }

  findLearningRate(input: LrFinderRequest): Promise<LrFinderResult> {
    const request = parseInput(lrFinderSchema, input)
    this.refuseLinked(request.datasetId, 'The learning-rate finder', 'Choose the learning rate by hand, or import the file.')
    const config = parseTrainConfig(request.config)
    if (request.minLr >= request.maxLr) throw new InputError('The learning-rate finder needs a start below its end.', 'Use e.g. 1e-6 to 10.')
    const columns = this.modelColumns(request, config)
    if (config.backend === 'webgl') this.requireProvider()
    const job = this.lrFinderJob(request, columns)
    this.host(job).enqueue(job)
    return job.settle.promise
  }

  /**
   * The oracle's figures for the Train tab's data and settings (small data only; see REPORT_MAX_WORK),
   * computed in a worker thread: preparing a million rows would stall every other request.
   */
  async curvature(input: CurvatureRequest): Promise<CurvatureReport> {
    const request = parseInput(curvatureRequestSchema, input)
    this.refuseLinked(request.datasetId, 'The curvature report', 'It is available for imported data.')
    const { target, features, config, formula } = this.modelColumns(request, parseTrainConfig(request.config))
    return this.compute(
      { kind: 'curvature', target, features: formula === null ? request.features : features, config },
      () => (formula === null ? this.store.loadTable(request.datasetId) : this.designOf(request.datasetId, formula, config).table),
    )
  }

  /**
   * A stored least-squares run's per-row diagnostics (row-diagnostics.ts diagnosticsOfRun), computed
   * in a worker thread: O(n·p²), ~0.3 s for 1M × 4 rows that main's event loop stays free for.
   */
  diagnostics(runId: RunId, options: { dfbetas?: boolean; addedVariable?: string }): Promise<ComputeResults['diagnostics']> {
    const run = this.store.getRun(runId)
    const statistics = run.outcome?.statistics ?? null
    return this.compute(
      { kind: 'diagnostics', run: { name: run.name, target: run.target, features: run.features, config: run.config, outcome: run.outcome && { statistics } }, options },
      // A formula run's target and features are its response and design columns: the design table has them.
      () => (run.formula ? this.designOf(run.datasetId, run.formula, run.config).table : this.store.loadTable(run.datasetId)),
    )
  }

  /** Queues a one-off computation on its own worker (FIFO behind other one-off computations, never behind training runs); the table is read when it starts. */
  private compute<R extends ComputeRequest>(request: R, table: () => Table): Promise<ComputeResults[R['kind']]> {
    const requestId = randomUUID()
    const settle = deferred<ComputeResults[R['kind']]>()
    const what = request.kind === 'diagnostics' ? 'the per-row diagnostics' : 'the curvature report'
    const job: ComputeJob = {
      id: requestId,
      backend: 'cpu',
      begin: () => ({ kind: 'compute', table: table(), message: { requestId, request } }),
      report: (event: CpuWorkerEvent) => {
        if (event.type === 'compute-done') settle.resolve(event.result as ComputeResults[R['kind']])
        else if (event.type === 'failed') job.fail(reportedError(event))
      },
      // Bad input keeps its sentence; anything else (a worker that died) says what could not be computed and why.
      fail: (e) => settle.reject(e instanceof InputError ? e : new Error(`Slope could not compute ${what}: ${((e as Error)?.message ?? String(e)).replace(/\.$/, '')}`)),
    }
    this.computePool.enqueue(job)
    return settle.promise
  }

  /**
   * The columns a request trains on, checked before anything is created: named ones must be
   * numeric columns of the dataset; a formula is built on the stored data (numeric and text
   * columns), so a bad one is its sentence (position, did-you-mean) here, and its intercept
   * (`- 1`) replaces the setting.
   */
  private modelColumns(request: { datasetId: number; target?: string; features?: string[]; formula?: string }, config: TrainConfig, built: BuiltDesign | null = null): ModelColumns {
    if (request.formula === undefined) {
      const target = request.target!
      return { target, features: checkColumns(this.store.getDataset(request.datasetId), target, request.features), config, formula: null }
    }
    const { design } = built ?? this.designOf(request.datasetId, request.formula, config)
    return {
      target: design.response!.name,
      features: design.columns.map((c) => c.name),
      config: design.intercept === config.intercept ? config : parseTrainConfig({ ...config, intercept: design.intercept }),
      formula: request.formula,
    }
  }

  /** A formula evaluated on a stored dataset: the design, and the table training takes (response first, one column per design column). */
  private designOf(datasetId: number, formula: string, rows: RowChoice): BuiltDesign {
    const data = this.store.loadFormulaData(datasetId)
    const design = trainingDesign(formula, data, rows)
    return { design, table: designTable(design, data.table.source) }
  }

  /** What needs the rows in memory (or many passes) is refused on a linked dataset with one sentence. */
  private refuseLinked(datasetId: number, what: string, hint: string): void {
    const dataset = this.store.getDataset(datasetId)
    if (dataset.linked) throw new InputError(`${what} needs the rows in memory, and "${dataset.name}" is linked (its rows stay in its files).`, hint)
  }

  /** The stored summary with the in-memory pause flag. */
  summary(runId: RunId): RunSummary {
    return this.withPause(this.store.getRunSummary(runId))
  }

  withPause<T extends RunSummary>(run: T): T {
    return this.isPaused(run.id) ? { ...run, paused: true } : run
  }

  /** A run's detail with what its worker has reported so far, while it trains. */
  detail(runId: RunId): RunDetail {
    return { ...this.withPause(this.store.getRun(runId)), live: this.live.get(runId) ?? this.linked.live.get(runId) ?? null }
  }

  /** Stops every worker; runs still training are cancelled (their history so far is kept). */
  async close(): Promise<void> {
    this.pool.stopStarting()
    this.computePool.stopStarting()
    this.providers.stopStarting()
    const linkedClosed = this.linked.close()
    for (const job of [...this.runJobs.values()]) this.cancel(job.runId)
    const deadline = Date.now() + 2000
    while ((this.pool.busy || this.computePool.busy || this.providers.busy) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    await Promise.all([this.pool.close(), this.computePool.close(), linkedClosed])
    this.providers.close()
    for (const job of this.runJobs.values()) {
      this.store.finishRun(job.runId, { status: 'cancelled', error: 'Slope was closed while this run was training.' })
      job.settle.resolve()
    }
    this.runJobs.clear()
  }

  // ---------- jobs ----------

  private host(job: ComputeJob): WorkerPool | ComputeProviders {
    return job.backend === 'webgl' ? this.providers : this.pool
  }

  private runJob(runId: RunId, backend: TrainConfig['backend']): RunJob {
    const job: RunJob = {
      id: String(runId),
      runId,
      backend,
      control: createControl(),
      settle: deferred<void>(),
      abandoned: false,
      formula: null,
      sweepDesign: null,
      begin: () => this.beginRun(job),
      report: (event) => this.onRunEvent(job, event),
      fail: (e) => this.failRun(job, e),
    }
    return job
  }

  private lrFinderJob(request: LrFinderParsed, columns: ModelColumns): ComputeJob & { settle: Deferred<LrFinderResult> } {
    const { config } = columns
    const requestId = randomUUID()
    const settle = deferred<LrFinderResult>()
    const fail = (e: unknown) => settle.reject(e instanceof InputError ? e : new Error(failureSentence(e)))
    return {
      id: requestId,
      backend: config.backend,
      settle,
      begin: (): JobStart => ({
        kind: 'lr-finder',
        table: columns.formula === null ? this.store.loadTable(request.datasetId) : this.designOf(request.datasetId, columns.formula, config).table,
        message: {
          requestId,
          target: columns.target,
          features: columns.formula === null ? request.features : columns.features,
          config,
          minLr: request.minLr,
          maxLr: request.maxLr,
          steps: request.steps,
        },
      }),
      report: (event) => {
        if (event.type === 'lr-finder-done') settle.resolve(event.result)
        else if (event.type === 'failed') fail(reportedError(event))
      },
      fail,
    }
  }

  private beginRun(job: RunJob): JobStart {
    const run = this.store.getRun(job.runId)
    let table: Table
    if (run.formula) {
      // Its sweep's design, copied (the worker takes the columns it is sent); else built again from the
      // stored data (a queued run holds none): the same design start() checked.
      const shared = job.sweepDesign
      job.sweepDesign = null
      const built = shared ? { design: shared.design, table: new Table(shared.table.names, shared.table.columns.map((c) => c.slice()), shared.table.source) } : this.designOf(run.datasetId, run.formula, run.config)
      table = built.table
      job.formula = formulaDocument(built.design)
    } else {
      table = this.store.loadTable(run.datasetId)
    }
    this.store.markRunning(job.runId)
    this.emitChanged([job.runId])
    return {
      kind: 'run',
      table,
      control: job.control,
      message: {
        runId: job.id,
        target: run.target,
        features: run.features,
        config: run.config,
        progressEveryMs: this.options.progressEveryMs ?? 50,
        helperThreads: this.options.helperThreadsPerRun ?? Math.max(0, Math.floor(availableParallelism() / this.options.poolSize) - 1),
      },
    }
  }

  private onRunEvent(job: RunJob, event: CpuWorkerEvent): void {
    try {
      if (job.abandoned) {
        // The store failed this run already; only wait for the worker to let go of it.
      } else if (event.type === 'started') {
        const info = job.formula ? { ...event.info, formula: job.formula.text, terms: event.info.features } : event.info
        this.live.set(job.runId, { info, params: null })
        for (const l of this.listeners) l.started?.(job.runId, info)
      } else if (event.type === 'progress') {
        this.store.appendHistory(job.runId, event.from, event.loss, event.valLoss, event.elapsedMs)
        const live = this.live.get(job.runId)
        if (live) live.params = event.params
        for (const l of this.listeners) l.progress?.(job.runId, event.from, event.loss, event.valLoss, event.params, event.elapsedMs)
      } else if (event.type === 'done') {
        this.completeRun(job.runId, event.outcome, job.formula)
      } else if (event.type === 'failed') {
        this.failRun(job, reportedError(event))
      }
    } catch (e) {
      // The store refused a write (disk full…) or a listener broke: the run cannot be kept up to
      // date, so stop it, say why, and ignore what the worker still sends for it.
      job.abandoned = true
      this.signal(job, 'cancel')
      this.failRun(job, e)
    }
    if (event.type !== 'progress' && event.type !== 'started') this.finishJob(job)
  }

  private completeRun(runId: RunId, outcome: FitOutcome, formula: FormulaDocument | null): void {
    const run = this.store.getRun(runId)
    const model = modelDocumentOf(outcome, run.config, this.store.getDataset(run.datasetId), this.options.appVersion)
    this.store.finishRun(runId, {
      status: outcome.status,
      divergedAt: outcome.divergedAt,
      trainMs: outcome.trainMs,
      outcome: formula ? { ...storedOutcome(outcome), formula: formula.text, terms: outcome.prepared.features } : storedOutcome(outcome),
      // The formula builds the features from a data file: slope predict and the Predict panel replay it.
      model: model && formula ? { ...model, formula } : model,
    })
  }

  private failRun(job: RunJob, e: unknown): void {
    try {
      this.store.finishRun(job.runId, { status: 'failed', error: encodeRunError(e, failureSentence(e)) })
    } catch {
      // the store itself is failing (disk full); the run stays as it was and reads 'interrupted' once this process is gone
    }
    this.finishJob(job)
  }

  private finishJob(job: RunJob): void {
    if (!this.runJobs.has(job.runId)) return
    this.runJobs.delete(job.runId)
    this.paused.delete(job.runId)
    this.live.delete(job.runId)
    job.settle.resolve()
    this.emitChanged([job.runId])
  }

  private requireActive(runId: RunId): RunJob {
    const job = this.runJobs.get(runId)
    if (!job) throw new InputError(`Run ${runId} is not training.`, 'Only a queued or running run can be paused or resumed.')
    return job
  }

  private emitChanged(runIds: RunId[]): void {
    for (const l of this.listeners) l.changed?.(runIds)
  }
}

/** A worker's `failed` message as the error it stands for. */
function reportedError(event: Extract<WorkerEvent, { type: 'failed' }>): Error {
  if (!event.inputError) return new Error(event.message)
  return event.text ? InputError.fromText(event.text, event.where) : new InputError(event.message, event.hint, event.where)
}

/** What a failed run's record says: the sentence of bad input, else what broke. */
function failureSentence(e: unknown): string {
  return e instanceof InputError ? e.sentence : `Training failed: ${(e as Error)?.message ?? String(e)}`
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
    curvature: o.curvature,
    backend: o.backend,
    surface: o.surface,
  }
}

