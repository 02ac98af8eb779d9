import { Worker } from 'node:worker_threads'
import type { GradientThreadPool, HelperSetup } from '../../src-core/backends/cpu/gradient-threads'
import type { SegmentHelperJob, SegmentThreads } from '../../src-core/model/least-squares-segments'

/** The helper entry run from source through tsx; the electron-vite build passes its bundled entry. */
export const sourceHelperEntry = new URL('./gradient-thread-bootstrap.mjs', import.meta.url)

type HelperReply = { type: 'ready' } | { type: 'failed'; message: string }

/**
 * Helper threads for the CPU backend's multi-core passes, as node:worker_threads workers. Create
 * one pool per training worker (it is reused by every run there) and hand it to the backend:
 *
 *   const pool = await NodeGradientThreadPool.start(os.availableParallelism() - 1)
 *   const backend = new CpuBackend(config.precision, { threads: pool })
 *
 * Workers are unref'd, so a forgotten pool never keeps a process alive; `close` ends them.
 */
export class NodeGradientThreadPool implements GradientThreadPool, SegmentThreads {
  private constructor(private readonly workers: Worker[]) {}

  get helpers(): number {
    return this.workers.length
  }

  static async start(helpers: number, entry: URL | string = sourceHelperEntry): Promise<NodeGradientThreadPool> {
    if (!Number.isInteger(helpers) || helpers < 0) throw new RangeError(`helper threads must be a whole number ≥ 0, got ${helpers}`)
    const workers = Array.from({ length: helpers }, () => new Worker(entry))
    // Referenced while we wait for them (an unref'd worker's events do not keep Node running).
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('online', () => resolve())
            w.once('error', reject)
          }),
      ),
    )
    for (const w of workers) w.unref()
    return new NodeGradientThreadPool(workers)
  }

  attach(setup: HelperSetup): Promise<void> {
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const onError = (e: Error) => reject(e)
            w.ref()
            w.once('error', onError)
            w.once('message', (reply: HelperReply) => {
              w.off('error', onError)
              w.unref()
              if (reply.type === 'ready') resolve()
              else reject(new Error(`gradient helper thread failed: ${reply.message}`))
            })
            w.postMessage(setup)
          }),
      ),
    ).then(() => undefined)
  }

  /** Least squares' row segments: fire and forget (the caller works too and waits on the shared memory). */
  post(job: SegmentHelperJob): void {
    for (const w of this.workers) w.postMessage(job)
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
    this.workers.length = 0
  }
}

/**
 * A pool whose threads start at its first `attach`, i.e. only when a backend loads data of more
 * than one chunk: a run on small data (the tutorial's 15 rows) never pays for starting helpers it
 * cannot use (~20 ms of CPU each, on the cores the run itself needs). A failed start is retried at
 * the next attach.
 */
export class DeferredGradientThreadPool implements GradientThreadPool {
  private started: Promise<NodeGradientThreadPool> | null = null

  constructor(
    readonly helpers: number,
    private readonly entry: URL | string = sourceHelperEntry,
  ) {}

  async attach(setup: HelperSetup): Promise<void> {
    this.started ??= NodeGradientThreadPool.start(this.helpers, this.entry)
    let pool: NodeGradientThreadPool
    try {
      pool = await this.started
    } catch (e) {
      this.started = null
      throw e
    }
    await pool.attach(setup)
  }

  /** The started pool as least squares' segment threads (started here if no run has started it yet). */
  async segmentThreads(): Promise<SegmentThreads> {
    this.started ??= NodeGradientThreadPool.start(this.helpers, this.entry)
    try {
      return await this.started
    } catch (e) {
      this.started = null
      throw e
    }
  }

  async close(): Promise<void> {
    const started = this.started
    this.started = null
    if (started) await (await started.catch(() => null))?.close()
  }
}
