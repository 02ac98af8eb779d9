import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import type { CurvatureReport, Envelope, EventName, Events } from '../../src-core/contract'
import { diagnosticsOfRun, type RunDiagnostics } from '../../src-core/model/row-diagnostics'
import { curvatureReport } from '../../src-core/train/learning-rates'
import { parseTrainConfig } from '../../src-core/train/config'
import { sha256 } from '../testing/datasets'
import { tempDir } from '../testing/temp'
import { dispatch, type Emit } from './api-handlers'
import { openServices, type AppServices } from './app-services'
import { sourceTrainWorker } from './train-worker'

const dir = tempDir()
const opened: AppServices[] = []
afterAll(async () => {
  for (const s of opened) await s.close()
})

/** Real services on a temporary SQLite file with real worker threads; `workers` are the threads the pool started. */
function connection() {
  const workers: Worker[] = []
  const services = openServices({
    databasePath: join(dir, `c-${opened.length}.db`),
    workerFactory: () => {
      const w = sourceTrainWorker()
      workers.push(w)
      return w
    },
    shell: 'web',
    poolSize: 1,
    helperThreadsPerRun: 0,
  })
  opened.push(services)
  const emit: Emit = <K extends EventName>(_event: K, _payload: Events[K]) => undefined
  const { handlers } = services.connect(emit)
  return { services, workers, call: (name: string, ...args: unknown[]) => dispatch(handlers, name, args) }
}

/** n rows of four features and y = 1 + Σ jxⱼ + noise, from a fixed LCG (enough rows that a diagnostics job takes many event-loop turns). */
function upload(n: number) {
  let state = 12345
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5
  const xs = Array.from({ length: 4 }, () => new Float64Array(n))
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let v = 1 + next()
    for (let j = 0; j < 4; j++) v += (j + 1) * (xs[j]![i] = next() * 10)
    y[i] = v
  }
  return { name: 'lcg', fileName: 'lcg.csv', sha256: sha256(`lcg ${n}`), names: ['x1', 'x2', 'x3', 'x4', 'y'], columns: [...xs, y] }
}

async function exactRun(c: ReturnType<typeof connection>, rows: number) {
  const dataset = c.services.store.addDataset(upload(rows))
  const started = valueOf(await c.call('training.start', { datasetId: dataset.id, target: 'y', config: { solver: 'lstsq' } })) as { runId: number }
  const summary = await c.services.training.waitFor(started.runId)
  expect(summary.status).toBe('completed')
  return { datasetId: dataset.id, runId: started.runId }
}

function valueOf<T>(e: Envelope<T>): T {
  if (!e.ok) throw new Error(e.error.message)
  return e.value
}

/** The bytes of every typed array of a diagnostics answer, by key: equal bytes mean bit-equal figures (NaN payloads too). */
function bytesOf(d: RunDiagnostics): Record<string, number[] | unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(d)) {
    if (v instanceof Float64Array) out[k] = Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
    else if (k === 'addedVariable' && v) out[k] = { feature: v.feature, x: bytesOf({ a: v.x } as never).a, y: bytesOf({ a: v.y } as never).a }
    else out[k] = v
  }
  return out
}

describe('models.diagnostics and training.curvature in a worker thread', () => {
  it('answer through the worker pool bit-equal to diagnosticsOfRun and curvatureReport called on this thread', async () => {
    const c = connection()
    const { datasetId, runId } = await exactRun(c, 2000)
    const viaPool = valueOf(await c.call('models.diagnostics', runId, { addedVariable: 'x3' })) as RunDiagnostics
    const run = c.services.store.getRun(runId)
    const direct = diagnosticsOfRun(c.services.store.loadTable(datasetId), run, { addedVariable: 'x3' })
    expect(viaPool.leverage).toBeInstanceOf(Float64Array)
    expect(viaPool.dfbetas!.length).toBe(2000 * 5)
    expect(bytesOf(viaPool)).toEqual(bytesOf(direct))

    const request = { datasetId, target: 'y', features: ['x1', 'x2'], config: { lr: 0.01 } }
    const curvature = valueOf(await c.call('training.curvature', request)) as CurvatureReport
    expect(curvature).toEqual(curvatureReport(c.services.store.loadTable(datasetId), 'y', ['x1', 'x2'], parseTrainConfig({ lr: 0.01 })))
    expect(curvature.lambda_max).toBeGreaterThan(0) // computed, not the 'too large' note
  })

  it('answers runs.list, and lets the event loop turn, before a long diagnostics job finishes', async () => {
    const c = connection()
    const { runId } = await exactRun(c, 200_000)
    const order: string[] = []
    const diagnostics = c.call('models.diagnostics', runId).then((e) => order.push(e.ok ? 'diagnostics' : `diagnostics failed: ${e.error.message}`))
    const list = c.call('runs.list').then((e) => order.push(e.ok ? 'runs.list' : 'runs.list failed'))
    const turn = new Promise((resolve) => setImmediate(resolve)).then(() => order.push('event loop turn'))
    await Promise.all([diagnostics, list, turn])
    expect(order).toEqual(['runs.list', 'event loop turn', 'diagnostics'])
  })

  it('a worker that dies mid-job fails the request with a sentence, and the next request gets a fresh worker', async () => {
    const c = connection()
    const { runId } = await exactRun(c, 200_000)
    const answer = c.call('models.diagnostics', runId)
    // The exact fit trained on the training pool's worker; the diagnostics went to the worker of
    // one-off computations (the second thread) when the request arrived: end that thread now.
    expect(c.workers).toHaveLength(2)
    await c.workers[1]!.terminate()
    const failed = await answer
    expect(failed.ok).toBe(false)
    if (failed.ok) return
    expect(failed.error.message).toMatch(/^Something went wrong inside Slope: Slope could not compute the per-row diagnostics: The training worker stopped unexpectedly \(exit code \d+\)\.$/)
    const again = valueOf(await c.call('models.diagnostics', runId)) as RunDiagnostics
    expect(again.leverage.length).toBe(200_000)
    expect(c.workers).toHaveLength(3)
  })

  it('does not wait behind a training run: diagnostics answer while a long run is still training', async () => {
    const c = connection()
    const { runId, datasetId } = await exactRun(c, 2_000)
    // The pool's one training worker is busy for far longer than a diagnostics job of 2,000 rows.
    const long = valueOf(await c.call('training.start', { datasetId, target: 'y', config: { solver: 'gd', epochs: 10_000_000, lr: 1e-4 } })) as { runId: number }
    const answer = valueOf(await c.call('models.diagnostics', runId)) as RunDiagnostics
    expect(answer.leverage.length).toBe(2_000)
    expect(c.services.training.summary(long.runId).status).toBe('running')
    valueOf(await c.call('training.cancel', long.runId))
    expect((await c.services.training.waitFor(long.runId)).status).toBe('cancelled')
  })

  it("diagnoses a formula run on its design: hat values sum to the number of coefficients, residuals are y − Xβ", async () => {
    const c = connection()
    const dataset = c.services.store.addDataset(upload(500))
    const started = valueOf(await c.call('training.start', { datasetId: dataset.id, formula: 'y ~ x1 + I(x1 ^ 2) + x2:x3', config: { solver: 'lstsq' } })) as { runId: number }
    expect((await c.services.training.waitFor(started.runId)).status).toBe('completed')
    const d = valueOf(await c.call('models.diagnostics', started.runId)) as RunDiagnostics
    expect(d.terms).toEqual(['(intercept)', 'x1', 'I(x1 ^ 2)', 'x2:x3'])
    // trace(H) = p for any full-rank design.
    expect(d.leverage.reduce((a, h) => a + h, 0)).toBeCloseTo(4, 9)
    const run = c.services.store.getRun(started.runId)
    const { intercept, coefficients: w } = run.model!
    const data = c.services.store.loadTable(dataset.id)
    const col = (n: string) => data.column(n)
    for (const i of [0, 137, 499]) {
      const x1 = col('x1')[i]!
      const fitted = intercept + w['x1']! * x1 + w['I(x1 ^ 2)']! * x1 ** 2 + w['x2:x3']! * col('x2')[i]! * col('x3')[i]!
      expect(d.fitted[i]).toBeCloseTo(fitted, 8)
      expect(d.residual[i]).toBeCloseTo(col('y')[i]! - fitted, 8)
    }
  })

  it('bad input computed in the worker keeps its sentence: an added-variable plot of a feature the run lacks', async () => {
    const c = connection()
    const { runId } = await exactRun(c, 50)
    const answer = await c.call('models.diagnostics', runId, { addedVariable: 'nope' })
    expect(answer).toMatchObject({ ok: false, error: { inputError: true, message: 'Run "least squares" has no feature "nope".' } })
  })
})
