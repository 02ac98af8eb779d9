import { errorOfJobFailure } from '../linked/job-failure'
import type { Worker } from 'node:worker_threads'
import { stat, unlink } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import type { PredictFileResult, RunId } from '../../src-core/contract'
import { InputError } from '../../src-core/errors'
import type { LinkedPredictCancel, LinkedPredictEvent, LinkedPredictMessage } from '../linked/linked-predict-message'
import { exportModel } from './export'
import { resolveLinkPattern } from './linked-datasets'
import type { RunStore } from './run-store'
import type { WorkerFactory } from './train-worker'

/**
 * The app's "Predict a file" (models.predictFile): a model over a file or glob on this machine,
 * streamed from disk into a new CSV or Parquet file, as `slope predict MODEL FILE --out OUT` writes
 * it. Each prediction gets a worker thread of its own (a `linked-predict` job), so it neither runs
 * on main's event loop nor waits behind a training run; the worker ends with the job.
 */

let nextJob = 0

export class FilePredictions {
  private readonly workers = new Set<Worker>()
  /** The predictions running, by the output file they write (never two at once: the file must not exist yet). */
  private readonly jobs = new Map<string, { worker: Worker; jobId: string; cancelled: boolean }>()

  constructor(
    private readonly store: RunStore,
    private readonly spawn: WorkerFactory,
  ) {}

  async predict(request: { runId?: RunId; modelJson?: string; pattern: string; out: string }): Promise<PredictFileResult> {
    const model =
      request.runId !== undefined
        ? { ...exportModel(this.store.getRun(request.runId)), name: this.store.getRun(request.runId).name }
        : request.modelJson !== undefined
          ? { json: request.modelJson, fileName: 'model.json', name: 'model.json' }
          : null
    if (!model) throw new InputError('No model given.', 'Choose a run or load a model file.')
    const pattern = resolveLinkPattern(request.pattern)
    const out = await checkedOutput(resolveLinkPattern(request.out))
    if (this.jobs.has(out)) throw new InputError(`A prediction is already writing "${out}".`, 'Wait for it to finish, or stop it, or choose another name.', { file: out })
    const message: LinkedPredictMessage = { type: 'linked-predict', jobId: String(nextJob++), modelJson: model.json, modelName: model.fileName, pattern, out }
    const summary = await this.run(message)
    return { out, rows: summary.rows, missingRows: summary.missingRows, metrics: summary.metrics }
  }

  /**
   * Stops the prediction writing `out` (as typed: resolved as predict resolves it) between chunks;
   * its predict() then fails with the cancelled sentence and no file is left. false when none runs.
   */
  cancel(out: string): boolean {
    const job = this.jobs.get(resolveLinkPattern(out))
    if (!job) return false
    const cancel: LinkedPredictCancel = { type: 'linked-predict-cancel', jobId: job.jobId }
    job.worker.postMessage(cancel)
    job.cancelled = true
    return true
  }

  /** Stops predictions still running (on shutdown); a stopped one leaves at most its hidden temporary file, never a half output. */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.terminate()))
    this.workers.clear()
  }

  private run(message: LinkedPredictMessage): Promise<Extract<LinkedPredictEvent, { type: 'linked-predict-done' }>['summary']> {
    const worker = this.spawn()
    this.workers.add(worker)
    const job = { worker, jobId: message.jobId, cancelled: false }
    this.jobs.set(message.out, job)
    return new Promise((resolve, reject) => {
      let settled = false
      const settle = (fn: () => void) => {
        if (settled) return
        settled = true
        this.workers.delete(worker)
        this.jobs.delete(message.out)
        void worker.terminate()
        fn()
      }
      worker.on('message', (event: LinkedPredictEvent) => {
        if (event.jobId !== message.jobId) return
        // A cancel answered true means no file, even when it crossed the job's last step (the
        // rename) on its way; and the app's sentence, not the scan's CLI one ("Run the command again").
        if (job.cancelled) {
          const written = event.type === 'linked-predict-done' ? unlink(message.out).catch(() => undefined) : Promise.resolve()
          settle(() => void written.then(() => reject(predictionCancelled(message.out))))
        } else if (event.type === 'linked-predict-done') settle(() => resolve(event.summary))
        else settle(() => reject(errorOfJobFailure(event)))
      })
      worker.on('error', (e) => settle(() => reject(new Error(`The prediction's worker stopped unexpectedly (${e.message}).`))))
      worker.on('exit', (code) => settle(() => reject(new Error(`The prediction's worker stopped unexpectedly (exit code ${code}).`))))
      worker.postMessage(message)
    })
  }
}

/**
 * Where the predictions go: a .csv or .parquet path in a folder that exists, and not a file that
 * is already there — the app never overwrites a file (the input included); the CLI's --out does.
 */
async function checkedOutput(out: string): Promise<string> {
  if (!/\.(csv|parquet|pq)$/i.test(out)) {
    throw new InputError(`The output file "${basename(out)}" must end in .csv or .parquet.`, 'Name it e.g. predictions.csv or predictions.parquet.', { file: out })
  }
  const folder = await stat(dirname(out)).catch(() => null)
  if (!folder?.isDirectory()) throw new InputError(`The folder "${dirname(out)}" does not exist.`, 'Choose a folder that exists for the predictions file.', { file: out })
  if (await stat(out).catch(() => null)) {
    throw new InputError(`"${out}" already exists, and Slope does not overwrite files.`, 'Choose another name for the predictions file, or move the old one away.', { file: out })
  }
  return out
}

/** The sentence of a prediction stopped by the user, naming the file not written. */
function predictionCancelled(out: string): InputError {
  return new InputError(`Prediction stopped (cancelled); nothing was written to "${out}".`, '')
}
