import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/** Starts one training worker thread; the service owns its lifetime. */
export type WorkerFactory = () => Worker

/**
 * The training worker for plain Node (CLI, browser mode, tests). Bundled into out/cli/ by
 * scripts/build-cli.mjs, this module sits beside the built worker and starts it directly; run from
 * the TypeScript sources (tests), it starts train.ts through the tsx bootstrap (~0.2 s once per pool
 * slot). Workers are reused across runs.
 */
const runsFromSource = import.meta.url.endsWith('.ts')
const builtTrainWorker = (warmNumberFormat = false) =>
  new Worker(new URL('./train-worker.js', import.meta.url), {
    workerData: { helperEntry: fileURLToPath(new URL('./gradient-thread.js', import.meta.url)), warmNumberFormat },
  })

let early: { worker: Worker; failed: boolean } | null = null

/**
 * Starts the built training worker now, for the next `sourceTrainWorker()` to take: `slope train`
 * calls it first thing, so the worker's own start (~30 ms of loading code) runs on another core
 * while this thread reads the file. Unref'd until taken, so a command that stops early (bad flag,
 * missing file) exits at once.
 */
export function prestartTrainWorker(): void {
  if (runsFromSource || early) return
  // The command prints numbers when the run ends: the worker loads ICU in its idle wait (workers/train.ts).
  const started = { worker: builtTrainWorker(true), failed: false }
  started.worker.unref()
  // Nobody listens yet: a worker that dies now is replaced by a fresh one, which reports why.
  started.worker.once('error', () => (started.failed = true))
  started.worker.once('exit', () => (started.failed = true))
  early = started
}

export const sourceTrainWorker: WorkerFactory = runsFromSource
  ? () =>
      new Worker(new URL('../workers/tsx-bootstrap.mjs', import.meta.url), {
        workerData: { entry: new URL('../workers/train.ts', import.meta.url).href },
      })
  : () => {
      const taken = early
      early = null
      if (taken && !taken.failed) {
        taken.worker.ref()
        return taken.worker
      }
      return builtTrainWorker()
    }

/**
 * The bundled worker electron-vite emits beside the main bundle (out/main/workers/train.js); in a
 * packaged app it stays inside the asar archive, under its integrity check (Electron ≥ 17.3 loads
 * worker_threads scripts from asar); an unpacked copy, if a build ever makes one, is preferred.
 */
export function bundledTrainWorker(mainBundleUrl: string): WorkerFactory {
  const inBundle = fileURLToPath(new URL('./workers/train.js', mainBundleUrl))
  const unpacked = inBundle.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1')
  const path = existsSync(unpacked) ? unpacked : inBundle
  if (!existsSync(path)) throw new Error(`training worker bundle missing: ${path} (run npm run build)`)
  const helperEntry = path.replace(/train\.js$/, 'gradient-thread.js')
  return () => new Worker(path, { workerData: { helperEntry } })
}
