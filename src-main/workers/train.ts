import { parentPort, workerData } from 'node:worker_threads'
import { CpuBackend } from '../../src-core/backends/cpu/cpu-backend'
import { createControl, type CpuWorkerEvent, type CpuWorkerRequest, type StartMessage } from '../../src-core/protocol'
import type { TrainConfig } from '../../src-core/train/config'
import { runComputeMessage, runLrFinderMessage, runStartMessage } from '../../src-core/train/run-in-worker'
import { segmentThreadsPay } from '../../src-core/model/least-squares'
import type { SegmentThreads } from '../../src-core/model/least-squares-segments'
import { DeferredGradientThreadPool, sourceHelperEntry } from './gradient-thread-pool'

/**
 * node:worker_threads entry: trains one run at a time with the CPU backend, off the main
 * process's event loop; also computes the one-off reports (per-row diagnostics, curvature) there. Started by services/training.ts, one worker per pool slot. Large data are
 * split over helper threads (gradient-thread-pool.ts), started once and reused by later runs.
 */
const port = parentPort
if (!port) throw new Error('workers/train.ts must run as a worker thread')

const options = workerData as { helperEntry?: string; warmNumberFormat?: boolean } | null
const helperEntry: string | URL = options?.helperEntry ?? sourceHelperEntry
/**
 * A three-row run of default settings, its results dropped: the first run in a thread pays for
 * compiling the WebAssembly kernels and V8's lazy compilation of the training loop, the exact fit,
 * the curvature report and the metrics (~15–20 ms for the tutorial). The CLI's worker is started
 * before the command reads its file, so it does this in its idle wait instead of on the run's path.
 */
const warmUpConfig = {
  missing: 'error', validationFraction: 0, standardize: false, intercept: true, solver: 'gd', optimizer: 'sgd', learningRate: 0.01, epochs: 3,
  batchSize: null, covariance: 'nonrobust', ciLevel: 0.95, momentum: 0, dampening: 0, nesterov: false, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8,
  centered: false, amsgrad: false, lrDecay: 0, initialAccumulator: 0, weightDecay: 0, schedule: { kind: 'constant' }, earlyStopping: null, seed: 0,
  init: { kind: 'zeros' }, precision: 'f64', backend: 'cpu',
} satisfies TrainConfig

function warmUpRun(): Promise<void> {
  const message: StartMessage = {
    type: 'start',
    runId: 'warm-up',
    table: { names: ['x', 'y'], columns: [Float64Array.of(1, 2, 4), Float64Array.of(1, 3, 2)], source: {} },
    target: 'y',
    config: warmUpConfig,
    control: createControl(),
  }
  return runStartMessage(message, () => {}, new CpuBackend(warmUpConfig.precision)).catch(() => {})
}

// `slope train` prints its summary's counts through ICU (toLocaleString: "~2,687 epochs"), whose first
// use in a process costs 15–40 ms. ICU's data are shared by every thread, so the CLI's worker loads
// them while it waits for its first run, which comes only after the command has read the file.
// A run that arrives meanwhile waits for the warm-up (both would otherwise share this one thread anyway).
let warming: Promise<void> | null = null
if (options?.warmNumberFormat) {
  warming = new Promise<void>((resolve) => setImmediate(resolve)).then(warmUpRun).then(() => {
    ;(0).toLocaleString('en-US')
  })
}
let pool: DeferredGradientThreadPool | null = null

async function helpers(count: number): Promise<DeferredGradientThreadPool | null> {
  if (count <= 0) return null
  if (pool && pool.helpers !== count) {
    await pool.close()
    pool = null
  }
  pool ??= new DeferredGradientThreadPool(count, helperEntry)
  return pool
}

const post = (event: CpuWorkerEvent, transfer?: ArrayBuffer[]) => port.postMessage(event, transfer ?? [])

port.on('message', async (message: CpuWorkerRequest) => {
  if (message.type === 'start') {
    if (warming) await warming
    let threads: DeferredGradientThreadPool | null = null
    try {
      threads = await helpers(message.helperThreads ?? 0)
    } catch {
      threads = null // no helper threads: the run still trains, on this thread alone
    }
    // An exact fit the segment threads pay for (segmentThreadsPay) splits its segments over the same helpers
    // (least-squares-segments.ts; bit-identical to one thread); smaller fits never start them.
    // (The design's width is known only after preparing; the table's columns stand in for it here.)
    const rows = message.table.columns[0]?.length ?? 0
    const features = message.features?.length ?? message.table.columns.length - 1
    let lstsqThreads: SegmentThreads | null = null
    if (threads && message.config.solver === 'lstsq' && segmentThreadsPay(rows, features)) lstsqThreads = await threads.segmentThreads().catch(() => null)
    await runStartMessage(message, post, new CpuBackend(message.config.precision, { threads }), lstsqThreads)
  } else if (message.type === 'lr-finder') {
    await runLrFinderMessage(message, post)
  } else if (message.type === 'compute') {
    runComputeMessage(message, post)
  } else if ((message as { type: string }).type === 'linked-train') {
    // Streamed gradient descent over linked files (src-main/linked): DuckDB loads only for it.
    const linked = await import('../linked/linked-train-message')
    await linked.runLinkedTrainMessage(message as unknown as import('../linked/linked-train-message').LinkedTrainMessage, (event) => port.postMessage(event))
  } else if ((message as { type: string }).type === 'linked-lstsq') {
    // The streamed exact fit (the app's lstsq runs on linked data), off main's event loop.
    const linked = await import('../linked/linked-lstsq-message')
    await linked.runLinkedLstsqMessage(message as unknown as import('../linked/linked-lstsq-message').LinkedLstsqMessage, (event) => port.postMessage(event))
  } else if ((message as { type: string }).type === 'linked-formula') {
    // A linked formula run's state pass, before its fit job (linked-runs.ts).
    const linked = await import('../linked/linked-formula-message')
    await linked.runLinkedFormulaMessage(message as unknown as import('../linked/linked-formula-message').LinkedFormulaMessage, (event) => port.postMessage(event))
  } else if ((message as { type: string }).type === 'linked-predict') {
    // The app's "Predict a file": a streamed prediction, off main's event loop.
    const linked = await import('../linked/linked-predict-message')
    await linked.runLinkedPredictMessage(message as unknown as import('../linked/linked-predict-message').LinkedPredictMessage, (event) => port.postMessage(event))
  } else if ((message as { type: string }).type === 'linked-predict-cancel') {
    // Handled while the job's own message still awaits its chunks: the port delivers each message as it comes.
    const linked = await import('../linked/linked-predict-message')
    linked.cancelLinkedPredict(message as unknown as import('../linked/linked-predict-message').LinkedPredictCancel)
  }
})
