import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DatasetSummary, RunDetail, RunSummary, ScanProgress } from '../../src-core/contract'
import { leastSquares } from '../../src-core/model/least-squares'
import { computeMetrics } from '../../src-core/model/metrics'
import { Random } from '../../src-core/random'
import { appConnections, errorOf, valueOf } from '../testing/app-connection'

const { dir, connection } = appConnections('slope-linked-runs-')

/** n rows of y = 3 + 2·x1 − x2 + 0.5·x3 + noise: the CSV text and the same numbers as arrays (shortest round-trip decimals). */
function generate(n: number, seed: number): { csv: string; X: Float64Array; y: Float64Array } {
  const rng = new Random(seed)
  const X = new Float64Array(n * 3)
  const y = new Float64Array(n)
  const lines = ['x1,x2,x3,y,note']
  for (let i = 0; i < n; i++) {
    const x = [rng.uniform(-5, 5), rng.uniform(0, 10), rng.uniform(-1, 1)]
    const v = 3 + 2 * x[0]! - x[1]! + 0.5 * x[2]! + rng.uniform(-1, 1)
    X.set(x, i * 3)
    y[i] = v
    lines.push(`${x.join(',')},${v},n${i % 7}`)
  }
  return { csv: lines.join('\n') + '\n', X, y }
}

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(expected), 1e-300))
}

async function linkFile(c: ReturnType<typeof connection>, name: string, n: number, seed: number) {
  const data = generate(n, seed)
  const path = join(dir, name)
  writeFileSync(path, data.csv)
  const summary = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: path }))
  return { data, path, summary }
}

describe('training on a linked dataset in the app', () => {
  it('solver lstsq: the streamed exact fit in a worker, saved as a run equal to the in-memory fit, with its model and metrics', async () => {
    const c = connection()
    const { data, summary } = await linkFile(c, 'exact.csv', 30_000, 3)
    const { runId } = valueOf<{ runId: number }>(await c.call('training.start', { datasetId: summary.id, target: 'y', features: ['x1', 'x2', 'x3'], config: { solver: 'lstsq' } }))
    const finished = await c.services.training.waitFor(runId)
    expect(finished.status, finished.error ?? '').toBe('completed')
    const run = valueOf<RunDetail>(await c.call('runs.get', runId))
    const reference = leastSquares({ X: data.X, y: data.y, features: ['x1', 'x2', 'x3'], intercept: true })
    expectRelative(run.model!.intercept, reference.intercept, 1e-11)
    ;['x1', 'x2', 'x3'].forEach((f, j) => expectRelative(run.model!.coefficients[f]!, reference.weights[j]!, 1e-11))
    expectRelative(run.outcome!.statistics!.coefficients[0]!.stdError, reference.coefficients[0]!.stdError, 1e-10)
    // Metrics over every row at the fitted β, as computeMetrics gives them for rows in memory.
    const predicted = Float64Array.from(data.y, (_, i) => reference.intercept + reference.weights.reduce((s, w, j) => s + w * data.X[i * 3 + j]!, 0))
    const metrics = computeMetrics(predicted, data.y)
    for (const key of ['mse', 'rmse', 'mae', 'r2'] as const) expectRelative(run.outcome!.metrics!.train[key], metrics[key], 1e-9)
    expect(run.outcome!.trainRows).toBe(30_000)
    // The scan was reported: pass 1 of 3 first, for this run, with the link's size.
    const scans = c.events.filter((e) => e.event === 'training.scan').map((e) => e.payload as ScanProgress)
    expect(scans.length).toBeGreaterThan(0)
    expect(scans[0]).toMatchObject({ runId, pass: 1, passes: 3, rowsTotal: 30_000, bytesTotal: summary.linked!.bytes })
    // It is a run as any other: listed, exported.
    expect(valueOf<RunSummary[]>(await c.call('runs.list', {})).map((r) => r.id)).toEqual([runId])
    const exported = JSON.parse(valueOf<{ json: string }>(await c.call('models.export', runId)).json)
    expect(exported.features).toEqual(['x1', 'x2', 'x3'])
    expect(exported.training.solver).toBe('lstsq')
    expect(c.logged).toEqual([])
  })

  it('solver gd: streamed gradient descent with started/progress events, the same losses as the in-memory run of the same numbers', async () => {
    const c = connection()
    const { data, summary } = await linkFile(c, 'gd.csv', 5_000, 4)
    const config = { solver: 'gd', optimizer: 'adam', learningRate: 0.05, epochs: 30 }
    const started = c.next('training.started')
    const { runId } = valueOf<{ runId: number }>(await c.call('training.start', { datasetId: summary.id, target: 'y', features: ['x1', 'x2', 'x3'], config }))
    expect(((await started) as { runId: number }).runId).toBe(runId)
    const finished = await c.services.training.waitFor(runId)
    expect(finished.status, finished.error ?? '').toBe('completed')
    expect(c.events.some((e) => e.event === 'training.progress' && (e.payload as { runId: number }).runId === runId)).toBe(true)
    const linked = valueOf<RunDetail>(await c.call('runs.get', runId))
    // The same rows imported and trained in memory: full-batch losses equal to a few ulps (streamed-gradient-descent.ts).
    const upload = {
      name: 'gd-imported',
      fileName: 'gd.csv',
      sha256: 'a'.repeat(64),
      names: ['x1', 'x2', 'x3', 'y'],
      columns: [...[0, 1, 2].map((j) => Float64Array.from({ length: 5_000 }, (_, i) => data.X[i * 3 + j]!)), Float64Array.from(data.y)],
    }
    const imported = c.services.store.addDataset(upload)
    const memory = c.services.training.start({ datasetId: imported.id, target: 'y', features: ['x1', 'x2', 'x3'], config })
    await c.services.training.waitFor(memory)
    const inMemory = valueOf<RunDetail>(await c.call('runs.get', memory))
    expect(linked.loss).toHaveLength(30)
    linked.loss.forEach((l, k) => expectRelative(l, inMemory.loss[k]!, 1e-9))
    ;['x1', 'x2', 'x3'].forEach((f) => expectRelative(linked.model!.coefficients[f]!, inMemory.model!.coefficients[f]!, 1e-9))
    const scans = c.events.filter((e) => e.event === 'training.scan').map((e) => e.payload as ScanProgress)
    expect(scans[0]).toMatchObject({ runId, pass: 1, passes: 31, rowsTotal: 5_000 })
    expect(c.logged).toEqual([])
  })

  it('pauses, resumes and cancels between chunks; the cancelled run keeps its history', async () => {
    const c = connection()
    const { summary } = await linkFile(c, 'long.csv', 2_000, 5)
    const progress = c.next('training.progress')
    const { runId } = valueOf<{ runId: number }>(await c.call('training.start', { datasetId: summary.id, target: 'y', config: { solver: 'gd', epochs: 100_000, learningRate: 0.01 } }))
    await progress
    expect(valueOf<RunSummary>(await c.call('training.pause', runId)).paused).toBe(true)
    expect(valueOf<RunDetail>(await c.call('runs.get', runId)).paused).toBe(true)
    expect(valueOf<RunSummary>(await c.call('training.resume', runId)).paused).toBe(false)
    await c.call('training.cancel', runId)
    const finished = await c.services.training.waitFor(runId)
    expect(finished.status).toBe('cancelled')
    expect(finished.epochsRun).toBeGreaterThan(0)
    expect(finished.epochsRun).toBeLessThan(100_000)
    const run = valueOf<RunDetail>(await c.call('runs.get', runId))
    expect(run.loss.length).toBe(finished.epochsRun)
    expect(c.logged).toEqual([])
  })

  it('a file changed since it was linked fails the run with the sentence before any row is read', async () => {
    const c = connection()
    const { path, summary } = await linkFile(c, 'changed.csv', 100, 6)
    appendFileSync(path, '1,2,3,4,n0\n')
    const { runId } = valueOf<{ runId: number }>(await c.call('training.start', { datasetId: summary.id, target: 'y', config: { solver: 'lstsq' } }))
    const finished = await c.services.training.waitFor(runId)
    expect(finished.status).toBe('failed')
    expect(finished.error).toMatch(/^The linked file ".*changed\.csv" changed since it was linked: its size went from/)
    expect(c.events.some((e) => e.event === 'training.scan')).toBe(false)
    expect(c.logged).toEqual([])
  })

  it('settings linked data cannot honour are listed with what to do, before any run is created', async () => {
    const c = connection()
    const { summary } = await linkFile(c, 'settings.csv', 100, 7)
    const error = errorOf(await c.call('training.start', { datasetId: summary.id, target: 'y', config: { solver: 'lstsq', missing: 'drop', covariance: 'HC3' } }))
    expect(error).toMatchObject({
      inputError: true,
      message: 'Linked data cannot use the missing-value policy "drop" (an empty cell stops the run at its row); the HC3 covariance (it needs each row’s residual; the streamed fit keeps none).',
      hint: 'Change those settings, or import the file into Slope to use every setting.',
    })
    // A formula is trained (linked-formula-runs.test.ts); one naming a column the files lack is refused at once.
    expect(errorOf(await c.call('training.start', { datasetId: summary.id, formula: 'y ~ nope', config: {} })).message).toMatch(/nope/)
    expect(errorOf(await c.call('training.start', { datasetId: summary.id, target: 'y', features: ['note'], config: {} })).message).toBe('Column "note" is VARCHAR, not numeric, so it cannot be used as a number.')
    expect(errorOf(await c.call('training.sweep', { datasetId: summary.id, target: 'y', config: {}, learningRates: { min: 0.01, max: 0.1, count: 2 } })).message).toBe(
      `A sweep needs the rows in memory, and "${summary.name}" is linked (its rows stay in its files).`,
    )
    expect(valueOf<RunSummary[]>(await c.call('runs.list', {}))).toEqual([])
    expect(c.logged).toEqual([])
  })
})
