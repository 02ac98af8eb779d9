import { errorOfJobFailure } from '../linked/job-failure'
import type { Worker } from 'node:worker_threads'
import type { DatasetSummary, LiveRun, RunId, ScanProgress } from '../../src-core/contract'
import { InputError } from '../../src-core/errors'
import { createControl, setControl } from '../../src-core/protocol'
import { encodeRunError } from '../../src-core/run-error-record'
import type { Standardization } from '../../src-core/table/standardize'
import { parseTrainConfig, type TrainConfig } from '../../src-core/train/config'
import type { PreparedInfo } from '../../src-core/train/fit-model'
import { defaultRunName } from '../../src-core/train/run-names'
import { createLinkedRun, DEFAULT_SHUFFLE_CHUNKS, linkedGdOutcome, linkedLstsqOutcome, linkedModelDocument, linkedStandardization, saveLinkedRun, setLinkedRunDesign, withFormula } from '../linked/linked-run-store'
import type { LinkedDataset } from '../linked/linked-store'
import type { LinkedLstsqEvent, LinkedLstsqMessage } from '../linked/linked-lstsq-message'
import type { LinkedTrainEvent, LinkedTrainMessage } from '../linked/linked-train-message'
import type { LinkedFormulaEvent, LinkedFormulaMessage } from '../linked/linked-formula-message'
import type { LinkedFormula } from '../linked/formula-chunks'
import { checkLinkedFormula } from '../linked/linked-formula-check'
import { checkColumns } from './check-columns'
import type { RunStore } from './run-store'
import type { TrainingListener } from './training'
import type { WorkerFactory } from './train-worker'

/**
 * Runs on linked datasets in the app (README "Linked datasets"): the streamed exact fit (solver
 * lstsq, a `linked-lstsq` worker job) or streamed gradient descent (solver gd, `linked-train`),
 * each in a worker thread of its own that opens its own DuckDB instance. One linked run scans at a
 * time, the others wait in a queue: every scan already uses DuckDB's threads and the disk, so two
 * at once would only share them. A run's files are checked (checkLinkedFiles) when it starts; a
 * changed file fails it with that sentence before any row is read. Runs are saved as the CLI saves
 * them (linked-run-store.ts), so runs.get, runs.list and models.export treat them as any run.
 */

/** What linked data cannot honour, with the way out; checked before a run is created. */
export function unsupportedOnLinked(config: TrainConfig): string[] {
  const found: string[] = []
  if (config.missing !== 'error') found.push(`the missing-value policy "${config.missing}" (an empty cell stops the run at its row)`)
  if (config.backend === 'webgl') found.push('the WebGL backend (DuckDB streams the rows to the CPU)')
  if (config.solver === 'lstsq' && config.covariance !== 'nonrobust') found.push(`the ${config.covariance} covariance (it needs each row’s residual; the streamed fit keeps none)`)
  if (config.solver === 'lstsq' && config.validationFraction > 0) found.push('a validation split with the exact fit (it fits every linked row)')
  return found
}

interface LinkedJob {
  runId: RunId
  summary: DatasetSummary & { linked: NonNullable<DatasetSummary['linked']> }
  target: string
  features: string[]
  config: TrainConfig
  standardization: Standardization | null
  responseMean: number
  control: SharedArrayBuffer
  settle: { promise: Promise<void>; resolve: () => void }
  /** A formula run: its text until the run starts, then prepared (state pass: formula-chunks.ts); target and features become the design's. */
  formulaText: string | null
  formula: LinkedFormula | null
  /** The link as stored (files, fingerprints), read when the run starts. */
  linked: LinkedDataset | null
  /** While the worker runs the formula's state pass: where its answer goes. */
  formulaReply: { resolve: (event: Extract<LinkedFormulaEvent, { type: 'linked-formula-done' }>) => void; reject: (e: Error) => void } | null
  startedAt: number
}

export interface LinkedRunOptions {
  appVersion: string
  listeners: ReadonlySet<TrainingListener>
  /** Worker-side throttle of scan reports (≤ 10 per second at the default). */
  scanEveryMs?: number
}

export class LinkedRuns {
  private worker: Worker | null = null
  private current: LinkedJob | null = null
  private readonly queue: LinkedJob[] = []
  private readonly jobs = new Map<RunId, LinkedJob>()
  private readonly paused = new Set<RunId>()
  private closing = false
  readonly live = new Map<RunId, LiveRun>()

  constructor(
    private readonly store: RunStore,
    private readonly spawn: WorkerFactory,
    private readonly options: LinkedRunOptions,
  ) {}

  /**
   * Creates and queues a run on a linked dataset. Settings linked data cannot honour, columns that
   * are not numeric columns of the files, and a constant feature (standardization) are refused
   * here, before the run exists.
   */
  start(request: { datasetId: number; target?: string; features?: string[]; formula?: string; name?: string; groupId?: string }, config: TrainConfig, summary: DatasetSummary): RunId {
    const linkedInfo = summary.linked
    if (!linkedInfo) throw new Error('LinkedRuns.start needs a linked dataset')
    const unsupported = unsupportedOnLinked(config)
    if (unsupported.length) {
      throw new InputError(
        `Linked data cannot use ${unsupported.join('; ')}.`,
        'Change those settings, or import the file into Slope to use every setting.',
        { setting: config.missing !== 'error' ? 'missing' : config.backend === 'webgl' ? 'backend' : config.covariance !== 'nonrobust' && config.solver === 'lstsq' ? 'covariance' : 'validationFraction' },
      )
    }
    // A formula is checked here against the files' columns (the same sentences as in memory); its
    // state and design columns come from a pass over the rows when the run starts (begin).
    const terms = request.formula !== undefined ? checkLinkedFormula(request.formula, linkedInfo.columns) : null
    if (terms && terms.intercept !== config.intercept) config = parseTrainConfig({ ...config, intercept: terms.intercept })
    const target = terms ? terms.response.name : request.target!
    const features = terms ? [] : checkColumns(summary, target, request.features)
    if (!terms && features.length === 0) throw new InputError('There is nothing to fit: no features.', 'Choose at least one numeric column to predict from.')
    const stat = (name: string) => {
      const c = linkedInfo.columns.find((col) => col.name === name)!
      return { name, count: c.count ?? NaN, mean: c.mean ?? NaN, std: c.std ?? NaN, min: c.min ?? NaN, max: c.max ?? NaN }
    }
    const standardization = !terms && config.solver === 'gd' && config.standardize ? linkedStandardization(features.map(stat), config.intercept) : null
    const runId = createLinkedRun(
      this.store,
      { name: request.name ?? defaultRunName(config), datasetId: summary.id, groupId: request.groupId ?? null, target, features, config, formula: request.formula ?? null },
      { linkedDatasetId: linkedInfo.linkId, pattern: linkedInfo.pattern, where: null, files: linkedInfo.files },
    )
    let resolve!: () => void
    const promise = new Promise<void>((r) => (resolve = r))
    const job: LinkedJob = {
      runId,
      summary: summary as LinkedJob['summary'],
      target,
      features,
      config,
      standardization,
      responseMean: terms ? NaN : stat(target).mean,
      formulaText: request.formula ?? null,
      formula: null,
      formulaReply: null,
      control: createControl(),
      settle: { promise, resolve },
      linked: null,
      startedAt: 0,
    }
    this.jobs.set(runId, job)
    this.queue.push(job)
    this.changed(runId)
    this.pump()
    return runId
  }

  has(runId: RunId): boolean {
    return this.jobs.has(runId)
  }

  isPaused(runId: RunId): boolean {
    return this.paused.has(runId)
  }

  async waitFor(runId: RunId): Promise<void> {
    await this.jobs.get(runId)?.settle.promise
  }

  cancel(runId: RunId): void {
    const job = this.jobs.get(runId)
    if (!job) return
    const queued = this.queue.indexOf(job)
    if (queued >= 0) {
      this.queue.splice(queued, 1)
      this.store.finishRun(runId, { status: 'cancelled' })
      this.finish(job)
      return
    }
    // Read by the worker after its current chunk (a paused one wakes up to see it).
    setControl(job.control, 'cancel')
    this.paused.delete(runId)
  }

  pause(runId: RunId): void {
    setControl(this.jobs.get(runId)!.control, 'pause')
    this.paused.add(runId)
    this.changed(runId)
  }

  resume(runId: RunId): void {
    setControl(this.jobs.get(runId)!.control, 'resume')
    this.paused.delete(runId)
    this.changed(runId)
  }

  /** Cancels every run (saved as cancelled with what it had), then stops the worker. */
  async close(): Promise<void> {
    this.closing = true
    for (const job of [...this.queue]) this.cancel(job.runId)
    const running = this.current
    if (running) {
      this.cancel(running.runId)
      await Promise.race([running.settle.promise, new Promise((r) => setTimeout(r, 2000))])
    }
    await this.worker?.terminate()
    this.worker = null
    for (const job of [...this.jobs.values()]) {
      this.store.finishRun(job.runId, { status: 'cancelled', error: 'Slope was closed while this run was training.' })
      this.finish(job)
    }
  }

  private pump(): void {
    if (this.current || this.closing) return
    const job = this.queue.shift()
    if (!job) return
    this.current = job
    void this.begin(job).catch((e) => this.fail(job, e))
  }

  private async begin(job: LinkedJob): Promise<void> {
    this.store.markRunning(job.runId)
    this.changed(job.runId)
    job.startedAt = Date.now()
    const { checkLinkedFiles, getLinkedDataset } = await import('../linked/linked-store')
    const { LinkedSource } = await import('../linked/linked-source')
    const linked = getLinkedDataset(this.store.db, job.summary.linked.linkId)
    // The glob's files now: a file gone leaves an empty list, and checkLinkedFiles names it.
    const files = await LinkedSource.open(linked.pattern).then(
      (s) => {
        const listed = [...s.files]
        s.close()
        return listed
      },
      () => [] as string[],
    )
    await checkLinkedFiles(linked, files)
    if (this.current !== job) return // cancelled or closed while the files were checked
    job.linked = linked
    if (job.formulaText !== null) {
      await this.prepareFormula(job, linked.pattern)
      if (this.current !== job) return // cancelled or closed during the state pass
    }
    const worker = this.ensureWorker()
    const base = { runId: String(job.runId), pattern: linked.pattern, features: job.features, response: job.target, control: job.control, ...(job.formula ? { formula: job.formula } : {}) }
    if (job.config.solver === 'lstsq') {
      const message: LinkedLstsqMessage = { ...base, type: 'linked-lstsq', intercept: job.config.intercept, responseMean: job.responseMean, progressEveryMs: this.options.scanEveryMs ?? 100 }
      worker.postMessage(message)
      return
    }
    const vf = job.config.validationFraction
    // The split is decided per row by its hash as the first pass reads it: until then the counts are the expected ones.
    const info: PreparedInfo = {
      features: job.features,
      trainRows: vf === 0 ? job.summary.rows : Math.round(job.summary.rows * (1 - vf)),
      validationRows: vf === 0 ? 0 : job.summary.rows - Math.round(job.summary.rows * (1 - vf)),
      exact: null,
      hessianCondition: null,
      curvature: null,
      surface: null,
      // A formula run's formula and design columns, as the in-memory service adds them.
      ...(job.formula ? { formula: job.formula.document.text, terms: job.features } : {}),
    }
    this.live.set(job.runId, { info, params: null })
    for (const l of this.options.listeners) l.started?.(job.runId, info)
    const message: LinkedTrainMessage = {
      ...base,
      type: 'linked-train',
      config: job.config,
      standardization: job.standardization,
      responseMean: job.responseMean,
      shuffleChunks: DEFAULT_SHUFFLE_CHUNKS,
      progressEveryMs: this.options.scanEveryMs ?? 100,
    }
    worker.postMessage(message)
  }

  /**
   * A formula run's state pass (levels, scale()/center() statistics, over the training rows as the
   * CLI's: formula-chunks.ts) and, for gradient descent, its design columns' statistics
   * (standardization), as a job on the training worker (linked-formula-message.ts): JavaScript over
   * every row stays off main's event loop. Then the run's target and features are the design's.
   */
  private async prepareFormula(job: LinkedJob, pattern: string): Promise<void> {
    const split = job.config.solver === 'gd' ? { seed: job.config.seed, fraction: job.config.validationFraction } : undefined
    const message: LinkedFormulaMessage = { type: 'linked-formula', runId: String(job.runId), pattern, formula: job.formulaText!, split, designStatistics: job.config.solver === 'gd' && job.config.standardize }
    const { formula, columns } = await new Promise<Extract<LinkedFormulaEvent, { type: 'linked-formula-done' }>>((resolve, reject) => {
      job.formulaReply = { resolve, reject }
      this.ensureWorker().postMessage(message)
    }).finally(() => (job.formulaReply = null))
    if (this.current !== job) return
    if (formula.features.length === 0 && !formula.intercept) throw new InputError('There is nothing to fit: no features and no intercept.', 'Add a term or the intercept to the formula.')
    job.formula = formula
    job.target = formula.response
    job.features = formula.features
    if (columns) job.standardization = linkedStandardization(formula.features.map((f) => columns.find((c) => c.name === f)!), job.config.intercept)
    setLinkedRunDesign(this.store, job.runId, formula.response, formula.features)
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = this.spawn()
    worker.on('message', (event: LinkedTrainEvent | LinkedLstsqEvent) => this.onEvent(event))
    const onDeath = (reason: string) => {
      if (this.worker !== worker) return
      this.worker = null
      const job = this.current
      if (job) this.fail(job, new Error(`The training worker stopped unexpectedly (${reason}).`))
    }
    worker.on('error', (e) => onDeath(e.message))
    worker.on('exit', (code) => onDeath(`exit code ${code}`))
    this.worker = worker
    return worker
  }

  private onEvent(event: LinkedTrainEvent | LinkedLstsqEvent | LinkedFormulaEvent): void {
    const job = this.current
    if (!job || event.runId !== String(job.runId)) return
    // The state pass answers the run's begin(), which goes on to the fit or fails the run.
    if (job.formulaReply) {
      if (event.type === 'linked-formula-done') job.formulaReply.resolve(event)
      else if (event.type === 'failed') job.formulaReply.reject(errorOfJobFailure(event))
      return
    }
    try {
      if (event.type === 'linked-chunk') {
        // Gradient descent: epoch k's pass is pass k + 1; the metrics pass comes after the last epoch.
        const passes = job.config.earlyStopping ? null : job.config.epochs + 1
        this.scan(job, event.epoch + 1, passes, event.rows)
      } else if (event.type === 'linked-scan') {
        this.scan(job, event.pass, event.passes, event.rows)
      } else if (event.type === 'progress') {
        this.store.appendHistory(job.runId, event.from, event.loss, event.valLoss, event.elapsedMs)
        const live = this.live.get(job.runId)
        if (live) live.params = event.params
        for (const l of this.options.listeners) l.progress?.(job.runId, event.from, event.loss, event.valLoss, event.params, event.elapsedMs)
      } else if (event.type === 'linked-done') {
        const outcome = linkedGdOutcome(event.result, job.config, job.target, job.features, job.standardization)
        saveLinkedRun(this.store, job.runId, outcome, withFormula(linkedModelDocument(outcome, job.config, job.linked!.pattern, job.linked, this.options.appVersion), job.formula), job.formula)
        this.next(job)
      } else if (event.type === 'linked-lstsq-done') {
        const r = event.result
        if (r.status === 'cancelled') this.store.finishRun(job.runId, { status: 'cancelled', trainMs: r.trainMs })
        else {
          const outcome = linkedLstsqOutcome(r.fit, r.metrics, job.target, job.features, r.trainMs)
          saveLinkedRun(this.store, job.runId, outcome, withFormula(linkedModelDocument(outcome, job.config, job.linked!.pattern, job.linked, this.options.appVersion), job.formula), job.formula)
        }
        this.next(job)
      } else if (event.type === 'failed') {
        this.fail(job, errorOfJobFailure(event))
      }
    } catch (e) {
      // The store refused a write (disk full…): stop the scan and say why.
      setControl(job.control, 'cancel')
      this.fail(job, e)
    }
  }

  private scan(job: LinkedJob, pass: number, passes: number | null, rowsRead: number): void {
    const progress: ScanProgress = { runId: job.runId, pass, passes, rowsRead, rowsTotal: job.summary.rows, bytesTotal: job.summary.linked.bytes, elapsedMs: Date.now() - job.startedAt }
    for (const l of this.options.listeners) l.scan?.(progress)
  }

  private fail(job: LinkedJob, e: unknown): void {
    if (!this.jobs.has(job.runId)) return
    try {
      this.store.finishRun(job.runId, { status: 'failed', error: encodeRunError(e, e instanceof InputError ? e.sentence : `Training failed: ${(e as Error)?.message ?? String(e)}`) })
    } catch {
      // the store itself is failing; the run reads 'interrupted' once this process is gone
    }
    this.next(job)
  }

  /** The run is finished (stored): let it go and start the next one. */
  private next(job: LinkedJob): void {
    this.finish(job)
    if (this.current === job) this.current = null
    this.pump()
  }

  private finish(job: LinkedJob): void {
    if (!this.jobs.has(job.runId)) return
    // A run ended while the worker ran its state pass (the worker died, Slope closed): its begin() stops too.
    job.formulaReply?.reject(new Error('The run ended during its formula pass.'))
    this.jobs.delete(job.runId)
    this.paused.delete(job.runId)
    this.live.delete(job.runId)
    job.settle.resolve()
    this.changed(job.runId)
  }

  private changed(runId: RunId): void {
    for (const l of this.options.listeners) l.changed?.([runId])
  }
}
