import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DatasetSummary, RunDetail } from '../../src-core/contract'
import { tableToUpload } from '../../src-core/dataset-upload'
import { Random } from '../../src-core/random'
import { bytesSource } from '../../src-core/table/byte-source'
import { importTable } from '../../src-core/table/import-table'
import { appConnections, errorOf, valueOf } from '../testing/app-connection'
import { sha256 } from '../testing/datasets'

/**
 * A formula trained through training.start on a linked dataset (the state pass and the design per
 * chunk: formula-chunks.ts) against the same file imported and trained in memory with the same
 * formula through the same service: coefficients, losses and the model's formula document.
 */
const { dir, connection } = appConnections('slope-linked-formula-runs-')

const FORMULA = 'log(y) ~ x1 + C(region) + scale(x2)'

/** n rows of a positive y = exp(0.5 + 0.3·x1 + region effect + 0.1·x2 + noise), region text with three levels. */
function writeCsv(name: string, n: number, seed: number): string {
  const rng = new Random(seed)
  const lines = ['x1,x2,region,y']
  const effect: Record<string, number> = { north: 0, south: 0.4, 東京: -0.3 }
  for (let i = 0; i < n; i++) {
    const x1 = rng.uniform(-2, 2)
    const x2 = rng.uniform(10, 50)
    const region = ['north', 'south', '東京'][i % 3]!
    const y = Math.exp(0.5 + 0.3 * x1 + effect[region]! + 0.1 * x2 + rng.uniform(-0.2, 0.2))
    lines.push(`${x1},${x2},${region},${y}`)
  }
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

/** The file as the app uploads it on import: numeric columns and the text columns, dictionary-encoded. */
async function upload(path: string) {
  const imported = await importTable(bytesSource(path, new Uint8Array(readFileSync(path))))
  const name = path.split('/').pop()!
  return tableToUpload(imported.table, { name, fileName: name, sha256: sha256(readFileSync(path, 'utf8')), textColumns: imported.textColumns })
}

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(expected), 1e-300))
}

/** The same request on the linked file and on the imported file; both runs as runs.get returns them. */
async function bothRuns(c: ReturnType<typeof connection>, path: string, config: object): Promise<{ linked: RunDetail; memory: RunDetail }> {
  const linkedSet = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: path }))
  const importedSet = valueOf<{ id: number }>(await c.call('datasets.import', await upload(path)))
  const run = async (datasetId: number) => {
    const started = c.next('training.started')
    const { runId } = valueOf<{ runId: number }>(await c.call('training.start', { datasetId, formula: FORMULA, config }))
    // Gradient descent announces the run with its formula and terms, on linked data as in memory.
    if ((config as { solver: string }).solver === 'gd') expect(((await started) as { info: { formula?: string; terms?: string[] } }).info).toMatchObject({ formula: FORMULA, terms: expect.any(Array) })
    const finished = await c.services.training.waitFor(runId)
    expect(finished.status, finished.error ?? '').toBe('completed')
    return valueOf<RunDetail>(await c.call('runs.get', runId))
  }
  return { linked: await run(linkedSet.id), memory: await run(importedSet.id) }
}

function expectSameModel(linked: RunDetail, memory: RunDetail, tolerance: number): void {
  expect(linked.formula).toBe(memory.formula)
  expect(linked.target).toBe('log(y)')
  expect(linked.features).toEqual(memory.features)
  expect(linked.features).toEqual(['C(region)[T.south]', 'C(region)[T.東京]', 'x1', 'scale(x2)']) // patsy's order: the factor's columns first
  const a = linked.model!
  const b = memory.model!
  expect(Object.keys(a.coefficients)).toEqual(Object.keys(b.coefficients))
  expectRelative(a.intercept, b.intercept, tolerance)
  for (const f of Object.keys(b.coefficients)) expectRelative(a.coefficients[f]!, b.coefficients[f]!, tolerance)
  // The formula document slope predict and the Predict panel replay: levels, reference, scale() statistics.
  const fa = a.formula!
  const fb = b.formula!
  expect(fa).toBeDefined()
  // Everything but the statistics exactly; scale(x2)'s mean and sd (compensated, merged over chunks) to 1e-12.
  const blank = (t: { mean: number; scale: number }) => ({ ...t, mean: 0, scale: 0 })
  expect({ ...fa, transforms: fa.transforms.map(blank) }).toEqual({ ...fb, transforms: fb.transforms.map(blank) })
  expect(fa.transforms.map((t) => t.name)).toEqual(['scale(x2)'])
  fa.transforms.forEach((t, k) => {
    expectRelative(t.mean, fb.transforms[k]!.mean, 1e-12)
    expectRelative(t.scale, fb.transforms[k]!.scale, 1e-12)
  })
  expect(linked.outcome!.terms).toEqual(memory.outcome!.terms)
}

describe('a formula on a linked dataset in the app', () => {
  it('exact fit: training.start with a formula equals the imported file’s formula run, model formula document included', async () => {
    const c = connection()
    const path = writeCsv('exact.csv', 140_000, 11) // three chunks of 65,536 rows: the state and the fit merge over chunks
    const { linked, memory } = await bothRuns(c, path, { solver: 'lstsq' })
    expectSameModel(linked, memory, 1e-12)
    expect(linked.outcome!.trainRows).toBe(140_000)
    for (const key of ['mse', 'r2'] as const) expectRelative(linked.outcome!.metrics!.train[key], memory.outcome!.metrics!.train[key], 1e-9)
    // The model exports with its formula, as any formula run's.
    const exported = JSON.parse(valueOf<{ json: string }>(await c.call('models.export', linked.id)).json)
    expect(exported.formula.text).toBe(memory.model!.formula!.text)
    expect(c.logged).toEqual([])
  })

  it('gradient descent, full batch: the same losses and coefficients as the imported file’s formula run', async () => {
    const c = connection()
    const path = writeCsv('gd.csv', 3_000, 12)
    const { linked, memory } = await bothRuns(c, path, { solver: 'gd', optimizer: 'adam', learningRate: 0.05, epochs: 3 })
    expect(linked.loss).toHaveLength(3)
    linked.loss.forEach((l, k) => expectRelative(l, memory.loss[k]!, 1e-12))
    expectSameModel(linked, memory, 1e-12)
    expect(c.logged).toEqual([])
  })

  it('a bad formula or an unknown column gets the in-memory sentence, before any run is created', async () => {
    const c = connection()
    const path = writeCsv('bad.csv', 50, 13)
    const linkedSet = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: path }))
    const importedSet = valueOf<{ id: number }>(await c.call('datasets.import', await upload(path)))
    for (const formula of ['log(y) ~ x1 + nope', 'y ~ x1 +']) {
      const onLinked = errorOf(await c.call('training.start', { datasetId: linkedSet.id, formula, config: { solver: 'lstsq' } }))
      const inMemory = errorOf(await c.call('training.start', { datasetId: importedSet.id, formula, config: { solver: 'lstsq' } }))
      expect(onLinked.inputError).toBe(true)
      expect(onLinked.message).toBe(inMemory.message)
      expect(onLinked.hint).toBe(inMemory.hint)
    }
    expect(c.services.store.listRuns({})).toEqual([])
    expect(c.logged).toEqual([])
  })

  it('a value outside a function’s domain fails the linked run with the in-memory sentence, naming the same row', async () => {
    const c = connection()
    const path = writeCsv('domain.csv', 70_000, 14)
    // Row 68,002 of the file (its second chunk) gets a negative y: log(y) is undefined there.
    const lines = readFileSync(path, 'utf8').split('\n')
    const cells = lines[68_001]!.split(',')
    lines[68_001] = [...cells.slice(0, 3), '-1'].join(',')
    writeFileSync(path, lines.join('\n'))
    const linkedSet = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: path }))
    const importedSet = valueOf<{ id: number }>(await c.call('datasets.import', await upload(path)))
    const inMemory = errorOf(await c.call('training.start', { datasetId: importedSet.id, formula: FORMULA, config: { solver: 'lstsq' } }))
    expect(inMemory.message).toMatch(/68,002|68002/)
    const { runId } = valueOf<{ runId: number }>(await c.call('training.start', { datasetId: linkedSet.id, formula: FORMULA, config: { solver: 'lstsq' } }))
    const finished = await c.services.training.waitFor(runId)
    expect(finished.status).toBe('failed')
    expect(finished.error).toBe(`${inMemory.message} ${inMemory.hint}`) // a failed run keeps the sentence and its hint
    expect(c.logged).toEqual([])
  })
})
