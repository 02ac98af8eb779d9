import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunId } from '../../src-core/contract'
import { InputError } from '../../src-core/errors'
import { createControl, setControl, tableFromPlain, tableToTransfer, type WorkerEvent, type WorkerRequest } from '../../src-core/protocol'
import { Random } from '../../src-core/random'
import { tutorialX, tutorialY } from '../../src-core/testing/tutorial'
import { sha256, tutorialUpload } from '../testing/datasets'
import { tempDir } from '../testing/temp'
import { openServices, type AppServices } from './app-services'
import { sourceTrainWorker } from './train-worker'
import { naiveTutorialLosses } from '../../src-core/testing/tutorial'

const dir = tempDir()
const opened: AppServices[] = []
afterAll(async () => {
  for (const s of opened) await s.close()
})

function services(poolSize = 1, name = `t-${opened.length}.db`) {
  const s = openServices({ databasePath: join(dir, name), workerFactory: sourceTrainWorker, shell: 'web', poolSize })
  opened.push(s)
  const dataset = s.store.addDataset(tutorialUpload())
  return { ...s, datasetId: dataset.id }
}


describe('training service with real worker threads and a real SQLite file', () => {
  it('trains in a worker, streams progress into the store, and stores the outcome and model', async () => {
    const s = services()
    const progress: [number, number][] = []
    s.training.on({ progress: (_id, from, loss) => progress.push([from, loss.length]) })
    const runId = s.training.start({ datasetId: s.datasetId, target: 'y', config: { learningRate: 0.01, epochs: 2000, standardize: false } })
    const summary = await s.training.waitFor(runId)
    expect(summary.status).toBe('completed')
    expect(summary.epochsRun).toBe(2000)
    const run = s.store.getRun(runId)
    const reference = naiveTutorialLosses(0.01, 2000)
    run.loss.forEach((l, k) => expect(l).toBeCloseTo(reference[k]!, 12))
    // progress batches tile the history
    let next = 0
    for (const [from, n] of progress) {
      expect(from).toBe(next)
      next += n
    }
    expect(next).toBe(2000)
    expect(run.model?.format).toBe('slope-linear-model')
    expect(run.outcome?.exact).toMatchObject({ available: true })
    expect(run.trainMs).toBeGreaterThan(0)
  })

  it('queues beyond the pool and runs every job', async () => {
    const s = services(1)
    let concurrent = 0
    let maxConcurrent = 0
    s.training.on({
      changed: () => {
        concurrent = s.store.listRuns({ status: ['running'] }).length
        maxConcurrent = Math.max(maxConcurrent, concurrent)
      },
    })
    const ids = [0.001, 0.01, 0.02].map((lr) => s.training.start({ datasetId: s.datasetId, target: 'y', config: { learningRate: lr, epochs: 3000, standardize: false } }))
    const finished = await Promise.all(ids.map((id) => s.training.waitFor(id)))
    expect(finished.map((r) => r.status)).toEqual(['completed', 'completed', 'completed'])
    expect(maxConcurrent).toBe(1)
  })

  it('cancel stops a long run and keeps the history it had', async () => {
    const s = services()
    const runId = s.training.start({ datasetId: s.datasetId, target: 'y', config: { epochs: 10_000_000 } })
    await waitUntil(() => s.store.getRunSummary(runId).epochsRun > 1000)
    s.training.cancel(runId)
    const summary = await s.training.waitFor(runId)
    expect(summary.status).toBe('cancelled')
    expect(summary.epochsRun).toBeGreaterThan(1000)
    expect(summary.epochsRun).toBeLessThan(10_000_000)
    const run = s.store.getRun(runId)
    expect(run.loss.length).toBe(summary.epochsRun)
    expect(run.model).not.toBeNull() // a cancelled run still has its parameters so far
  })

  it('pause holds the run where it is; resume continues it', async () => {
    // No sleeps: "nothing happened" is measured against other runs that train to completion on the
    // second pool slot meanwhile, an event that cannot come before the paused worker's last batch
    // (posted before it blocked) has landed, however slow the machine.
    const s = services(2)
    const runId = s.training.start({ datasetId: s.datasetId, target: 'y', config: { epochs: 3_000_000 } })
    await waitUntil(() => s.store.getRunSummary(runId).epochsRun > 0)
    s.training.pause(runId)
    expect(s.training.summary(runId).paused).toBe(true)
    const trainBeside = async () => {
      const other = s.training.start({ datasetId: s.datasetId, target: 'y', config: { epochs: 20_000 } })
      expect((await s.training.waitFor(other)).status).toBe('completed')
    }
    await trainBeside()
    const held = s.store.getRunSummary(runId).epochsRun
    await trainBeside()
    expect(s.store.getRunSummary(runId)).toMatchObject({ status: 'running', epochsRun: held })
    s.training.resume(runId)
    await waitUntil(() => s.store.getRunSummary(runId).epochsRun > held)
    s.training.cancel(runId)
    expect((await s.training.waitFor(runId)).status).toBe('cancelled')
  })

  it('a sweep queues one run per learning rate in one group; too large a rate diverges', async () => {
    const s = services()
    const { groupId, runIds } = s.training.sweep({
      datasetId: s.datasetId,
      target: 'y',
      config: { epochs: 500, standardize: false },
      learningRates: { min: 0.0001, max: 1, count: 5 },
    })
    const runs = await Promise.all(runIds.map((id) => s.training.waitFor(id)))
    expect(runs.map((r) => r.learningRate)).toEqual([0.0001, 0.001, 0.01, 0.1, 1].map((x) => expect.closeTo(x, 12)))
    expect(runs.map((r) => r.name)).toEqual(['sweep lr=0.0001', 'sweep lr=0.001', 'sweep lr=0.01', 'sweep lr=0.1', 'sweep lr=1'])
    expect(runs.every((r) => r.groupId === groupId)).toBe(true)
    expect(runs[4]!.status).toBe('diverged')
    expect(runs[2]!.status).toBe('completed')
    expect(s.store.listRuns({ groupId }).length).toBe(5)
  })

  it('bad settings are refused before a run exists; data problems fail the run with the sentence', async () => {
    const s = services()
    expect(() => s.training.start({ datasetId: s.datasetId, target: 'y', config: { learningRate: 0 } })).toThrow('The learning rate must be greater than 0')
    expect(() => s.training.start({ datasetId: s.datasetId, target: 'z', config: {} })).toThrow(InputError)
    expect(s.store.listRuns({ datasetId: s.datasetId })).toEqual([])
    const holes = s.store.addDataset({ ...tutorialUpload(), sha256: sha256('holes'), columns: [Float64Array.from([1, NaN, 3]), Float64Array.from([1, 2, 3])] })
    const runId = s.training.start({ datasetId: holes.id, target: 'y', config: {} })
    const summary = await s.training.waitFor(runId)
    expect(summary.status).toBe('failed')
    expect(summary.error).toContain('Column "x" has an empty cell (tutorial.csv, row 3).')
  })

  it('a worker that dies fails its run with the reason, and the next run still trains', async () => {
    const s = services()
    const runId = s.training.start({ datasetId: s.datasetId, target: 'y', config: { epochs: 10_000_000 } })
    await waitUntil(() => s.store.getRunSummary(runId).epochsRun > 0)
    // Kill the thread from outside, as a native crash would.
    const slots = (s.training as unknown as { pool: { slots: { worker: { terminate(): Promise<number> } }[] } }).pool.slots
    await slots[0]!.worker.terminate()
    const failed = await s.training.waitFor(runId)
    expect(failed.status).toBe('failed')
    expect(failed.error).toContain('The training worker stopped unexpectedly')
    const next = s.training.start({ datasetId: s.datasetId, target: 'y', config: { epochs: 10 } })
    expect((await s.training.waitFor(next)).status).toBe('completed')
  })

  it('helper threads change nothing but the speed: bit-identical losses with 0 and 1 helper, and bit-identical exact fits', async () => {
    const rows = 70_000 // more than two 32,768-row chunks of 4 features: the pass is split across threads
    const rng = new Random(9)
    const columns = Array.from({ length: 5 }, () => new Float64Array(rows))
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < 4; j++) columns[j]![i] = rng.uniform(-1, 1)
      columns[4]![i] = columns[0]![i]! - 2 * columns[2]![i]! + rng.uniform(-0.1, 0.1)
    }
    const upload = { name: 'big', fileName: 'big.csv', sha256: sha256('big'), names: ['a', 'b', 'c', 'd', 'y'], columns }
    const losses: Float64Array[] = []
    const fits: number[][] = []
    for (const helperThreadsPerRun of [0, 1]) {
      const s = openServices({ databasePath: join(dir, `threads-${helperThreadsPerRun}.db`), workerFactory: sourceTrainWorker, shell: 'web', poolSize: 1, helperThreadsPerRun })
      opened.push(s)
      const dataset = s.store.addDataset(upload)
      const runId = s.training.start({ datasetId: dataset.id, target: 'y', config: { epochs: 20, learningRate: 0.1, precision: 'f32' } })
      expect((await s.training.waitFor(runId)).status).toBe('completed')
      const run = s.store.getRun(runId)
      expect(run.outcome?.backend).toMatchObject({ name: 'cpu', kernel: 'wasm-simd', threads: 1 + helperThreadsPerRun })
      losses.push(run.loss)
      // The exact fit of these 70,000 rows (9 row segments of 8,192) splits its segments over the same helper.
      const exactId = s.training.start({ datasetId: dataset.id, target: 'y', config: { solver: 'lstsq' } })
      expect((await s.training.waitFor(exactId)).status).toBe('completed')
      const exact = s.store.getRun(exactId).outcome!
      fits.push([...exact.model!.weights, exact.model!.intercept, ...exact.statistics!.coefficients.map((c) => c.stdError)])
    }
    expect(Array.from(losses[1]!)).toEqual(Array.from(losses[0]!))
    expect(fits[1]).toEqual(fits[0])
  })

  it('WebGL runs go to a registered compute provider; its reports are stored like a worker’s; its loss fails its run', async () => {
    const s = services()
    expect(() => s.training.start({ datasetId: s.datasetId, target: 'y', config: { backend: 'webgl', precision: 'f32' } })).toThrow('No window with WebGL is connected')
    // The provider's engine: a real compute worker thread speaking the same protocol as the page's WebGL worker.
    const engine = sourceTrainWorker()
    const controls = new Map<string, Int32Array>()
    engine.on('message', (event: WorkerEvent) => {
      try {
        s.training.report('page-1', event)
      } catch {
        // after unregister: the page is gone; main refuses what it still sends, as it should
      }
    })
    const unregister = s.training.registerProvider({
      id: 'page-1',
      kind: 'webgl',
      renderer: 'test',
      start: (start) => {
        if (start.kind !== 'run') return
        const control = createControl()
        controls.set(start.message.runId, new Int32Array(control))
        engine.postMessage({ ...start.message, table: tableToTransfer(tableFromPlain(start.message.table)), control } satisfies WorkerRequest)
      },
      control: (runId, action) => {
        if (action === 'cancel') setControl(controls.get(runId)!, 'cancel')
      },
    })
    try {
      const runId = s.training.start({ datasetId: s.datasetId, target: 'y', config: { backend: 'webgl', precision: 'f32', epochs: 120, standardize: false } })
      const done = await s.training.waitFor(runId)
      expect(done.status).toBe('completed')
      expect(s.store.getRun(runId).loss.length).toBe(120)
      expect(s.store.getRun(runId).loss[0]).toBeCloseTo(5.9467032, 6)
      // cancel travels to the provider
      const long = s.training.start({ datasetId: s.datasetId, target: 'y', config: { backend: 'webgl', precision: 'f32', epochs: 10_000_000 } })
      await waitUntil(() => s.store.getRunSummary(long).epochsRun > 0)
      s.training.cancel(long)
      expect((await s.training.waitFor(long)).status).toBe('cancelled')
      // the page goes away mid-run
      const orphan = s.training.start({ datasetId: s.datasetId, target: 'y', config: { backend: 'webgl', precision: 'f32', epochs: 10_000_000 } })
      await waitUntil(() => s.store.getRunSummary(orphan).epochsRun > 0)
      unregister()
      const failed = await s.training.waitFor(orphan)
      expect(failed.status).toBe('failed')
      expect(failed.error).toContain('The window computing this run on the GPU was closed or reloaded')
      // CPU runs never waited behind GPU ones
      const cpu = s.training.start({ datasetId: s.datasetId, target: 'y', config: { epochs: 5 } })
      expect((await s.training.waitFor(cpu)).status).toBe('completed')
    } finally {
      await engine.terminate()
    }
  })

  it('the learning-rate finder suggests a rate between where the loss plateaus and where it explodes', async () => {
    const s = services()
    const result = await s.training.findLearningRate({ datasetId: s.datasetId, target: 'y', config: {}, minLr: 1e-5, maxLr: 100, steps: 200 })
    expect(result.learningRates.length).toBe(result.losses.length)
    expect(result.stoppedBecause).toBe('diverged') // lr 100 on standardized data explodes
    // Full batch (15 rows ≤ 64) on standardized x: the MSE's Hessian is 2·I (x has mean 0 and
    // sd 1), so plain GD converges for lr < 1 and barely moves below 1e-3 in 200 steps.
    expect(result.suggestion).toBeGreaterThan(1e-3)
    expect(result.suggestion).toBeLessThan(1)
  })
})

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms))
}

/** Polls for a state with a deadline generous enough for a busy 2-core machine; never a fixed sleep before asserting. */
async function waitUntil(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached in time')
    await sleep(10)
  }
}

export type { RunId }
