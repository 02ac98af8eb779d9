import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Envelope, PredictionResult } from '../../src-core/contract'
import { tableToUpload } from '../../src-core/dataset-upload'
import { trainingDesign } from '../../src-core/formula/design-matrix'
import { bytesSource } from '../../src-core/table/byte-source'
import { importTable } from '../../src-core/table/import-table'
import { pythonModuleMissing, runPythonJson } from '../../src-core/testing/python'
import { sha256 } from '../testing/datasets'
import { runCli } from '../testing/run-cli'
import { tempDir } from '../testing/temp'
import { dispatch } from './api-handlers'
import { openServices, type AppServices } from './app-services'
import { sourceTrainWorker } from './train-worker'

const dir = tempDir()
const tmp = mkdtempSync(join(tmpdir(), 'slope-formula-runs-'))
const opened: AppServices[] = []
afterAll(async () => {
  for (const s of opened) await s.close()
})

function connection() {
  const services = openServices({ databasePath: join(dir, `f-${opened.length}.db`), workerFactory: sourceTrainWorker, shell: 'web', poolSize: 1 })
  opened.push(services)
  const { handlers } = services.connect(() => {})
  const call = <T = unknown>(name: string, ...args: unknown[]) => dispatch(handlers, name, args) as Promise<Envelope<T>>
  return { services, call }
}

function valueOf<T>(e: Envelope<T>): T {
  if (!e.ok) throw new Error(`expected a value, got ${JSON.stringify(e.error)}`)
  return e.value
}

/** A file as the app uploads it: numeric columns and the text columns, dictionary-encoded. */
async function upload(path: string) {
  const imported = await importTable(bytesSource(path, new Uint8Array(readFileSync(path))))
  const name = path.split('/').pop()!
  return tableToUpload(imported.table, { name, fileName: name, sha256: sha256(readFileSync(path, 'utf8')), textColumns: imported.textColumns })
}

// Sales by city: 上海 sorts before 北京 by code point (U+4E0A < U+5317), so 北京 as reference is a choice.
const cities = join(tmp, 'cities.csv')
const cityRows = Array.from({ length: 24 }, (_, i) => {
  const city = ['北京', '上海', '广州'][i % 3]!
  const x = 1 + ((i * 7) % 11)
  const y = 3 + 2 * x + (city === '上海' ? 5 : city === '广州' ? -2 : 0) + ((i * 13) % 5) / 10
  return `${city},${x},${y}`
})
writeFileSync(cities, `city,x,y\n${cityRows.join('\n')}\n`)

describe('formulas through the app’s requests', () => {
  it('datasets.get sends text columns with levels in code-point order and one code per row; a preparation keeps its formula', async () => {
    const c = connection()
    const d = valueOf(await c.call<{ id: number }>('datasets.import', await upload(cities)))
    const got = valueOf(await c.call<{ textColumns: unknown }>('datasets.get', d.id))
    const levels = ['上海', '北京', '广州']
    const codes = Float64Array.from(cityRows, (row) => levels.indexOf(row.split(',')[0]!))
    expect(got.textColumns).toEqual([{ name: 'city', levels, codes }])
    const preparation = { target: 'y', features: ['x', 'city'], data: {}, formula: 'y ~ x + C(city, Treatment("北京"))' }
    expect(valueOf(await c.call('datasets.prepare', d.id, preparation))).toEqual(preparation)
    expect(valueOf(await c.call<{ preparation: unknown }>('datasets.get', d.id)).preparation).toEqual(preparation)
  })

  it('training.start with a formula: the factor’s chosen reference, per-term least squares equal to slope train --formula, the formula in the run and its model', async () => {
    const c = connection()
    const d = valueOf(await c.call<{ id: number }>('datasets.import', await upload(cities)))
    const formula = 'y ~ x + C(city, Treatment("北京"))'
    const { runId } = valueOf(await c.call<{ runId: number }>('training.start', { datasetId: d.id, formula, config: { solver: 'lstsq' } }))
    expect((await c.services.training.waitFor(runId)).status).toBe('completed')
    const run = c.services.store.getRun(runId)
    const terms = ['C(city, Treatment("北京"))[T.上海]', 'C(city, Treatment("北京"))[T.广州]', 'x']
    expect(run.formula).toBe(formula)
    expect(run.target).toBe('y')
    expect(run.features).toEqual(terms)
    expect(run.outcome).toMatchObject({ formula, terms })
    expect(run.model!.formula).toMatchObject({ text: formula, factors: [{ name: 'C(city, Treatment("北京"))', levels: ['上海', '北京', '广州'], reference: '北京' }] })
    const cli = await runCli(['train', cities, '--formula', formula, '--solver', 'lstsq', '--no-db', '--json'])
    expect(cli.code, cli.stderr).toBe(0)
    const doc = JSON.parse(cli.stdout)
    expect(run.model!.intercept).toBe(doc.model.intercept)
    expect(run.model!.coefficients).toEqual(doc.model.coefficients)
    expect(run.model!.statistics).toEqual(doc.model.statistics)
  })

  it('with a validation split, the model file records scale()/center() statistics of the training rows', async () => {
    const c = connection()
    const d = valueOf(await c.call<{ id: number }>('datasets.import', await upload(cities)))
    const formula = 'center(y) ~ scale(x) + city'
    const config = { solver: 'lstsq', validationFraction: 0.25, seed: 3 }
    const { runId } = valueOf(await c.call<{ runId: number }>('training.start', { datasetId: d.id, formula, config }))
    await c.services.training.waitFor(runId)
    const run = c.services.store.getRun(runId)
    expect(run.error ?? null).toBeNull()
    const data = c.services.store.loadFormulaData(d.id)
    const held = trainingDesign(formula, data, { missing: 'drop', validationFraction: 0.25, seed: 3 })
    const whole = trainingDesign(formula, data, { missing: 'drop', validationFraction: 0, seed: 3 })
    expect(run.model!.formula!.transforms).toEqual(held.state.transforms)
    expect(run.model!.formula!.transforms[0]!.mean).not.toBeCloseTo(whole.state.transforms[0]!.mean, 3)
    expect(run.outcome!.validationRows).toBe(6)
  })

  it('a bad formula fails the request with its sentence (position, did-you-mean), and no run is created', async () => {
    const c = connection()
    const d = valueOf(await c.call<{ id: number }>('datasets.import', await upload(cities)))
    const answer = await c.call('training.start', { datasetId: d.id, formula: 'y ~ xx + city', config: {} })
    expect(answer.ok).toBe(false)
    expect(!answer.ok && answer.error).toMatchObject({ inputError: true, message: expect.stringContaining('Formula "y ~ xx + city" at 5: unknown column `xx`; did you mean `x`?') })
    const sweep = await c.call('training.sweep', { datasetId: d.id, formula: 'y ~ xx', config: {}, learningRates: { min: 0.01, max: 0.1, count: 3 } })
    expect(sweep.ok).toBe(false)
    const neither = await c.call('training.start', { datasetId: d.id, config: {} })
    expect(!neither.ok && neither.error.message).toBe('Give the column to predict (target) or a formula (target in training.start).')
    expect(c.services.store.listRuns()).toEqual([])
  })

  it('a sweep with a formula trains every run by gradient descent on the expanded design, near the exact optimum', async () => {
    const c = connection()
    const d = valueOf(await c.call<{ id: number }>('datasets.import', await upload(cities)))
    const formula = 'y ~ x * city'
    const { runIds } = valueOf(await c.call<{ runIds: number[] }>('training.sweep', { datasetId: d.id, formula, config: { epochs: 3000 }, learningRates: { min: 0.05, max: 0.2, count: 2 } }))
    expect(runIds).toHaveLength(2)
    for (const id of runIds) {
      expect((await c.services.training.waitFor(id)).status).toBe('completed')
      const run = c.services.store.getRun(id)
      expect(run.formula).toBe(formula)
      expect(run.features).toEqual(['city[T.北京]', 'city[T.广州]', 'x', 'x:city[T.北京]', 'x:city[T.广州]'])
      expect(run.outcome!.standardization).not.toBeNull()
      expect(run.outcome!.exact).toMatchObject({ available: true })
      expect(run.outcome!.exact!.available && run.outcome!.exact!.distance).toBeLessThan(1e-3)
      expect(run.model!.formula?.text).toBe(formula)
    }
  })

  it('training.curvature and the learning-rate finder take a formula: the same figures as the design written out as columns', async () => {
    const c = connection()
    const d = valueOf(await c.call<{ id: number }>('datasets.import', await upload(cities)))
    const explicit = join(tmp, 'cities-x2.csv')
    writeFileSync(explicit, `x,x2,y\n${cityRows.map((r) => r.split(',')).map(([, x, y]) => `${x},${Number(x) ** 2},${y}`).join('\n')}\n`)
    const e = valueOf(await c.call<{ id: number }>('datasets.import', await upload(explicit)))
    const byFormula = valueOf(await c.call('training.curvature', { datasetId: d.id, formula: 'y ~ x + I(x ^ 2)', config: { lr: 0.1 } }))
    const byColumns = valueOf(await c.call('training.curvature', { datasetId: e.id, target: 'y', features: ['x', 'x2'], config: { lr: 0.1 } }))
    expect(byFormula).toEqual(byColumns)
    const found = valueOf(await c.call<{ losses: Float64Array }>('training.findLearningRate', { datasetId: d.id, formula: 'y ~ x + I(x ^ 2)', config: {}, steps: 20 }))
    const reference = valueOf(await c.call<{ losses: Float64Array }>('training.findLearningRate', { datasetId: e.id, target: 'y', features: ['x', 'x2'], config: {}, steps: 20 }))
    expect(Array.from(found.losses)).toEqual(Array.from(reference.losses))
  })

  it('models.predict with a formula run: the factor from the upload’s text column, an unseen level gets no prediction', async () => {
    const c = connection()
    const d = valueOf(await c.call<{ id: number }>('datasets.import', await upload(cities)))
    const { runId } = valueOf(await c.call<{ runId: number }>('training.start', { datasetId: d.id, formula: 'y ~ x + city', config: { solver: 'lstsq' } }))
    await c.services.training.waitFor(runId)
    const m = c.services.store.getRun(runId).model!
    const fresh = join(tmp, 'cities-new.csv')
    writeFileSync(fresh, 'city,x\n广州,2\n北京,10\n深圳,3\n')
    const result = valueOf(await c.call<PredictionResult>('models.predict', { runId, table: await upload(fresh) }))
    const b = m.intercept
    const w = m.coefficients
    expect(result.predicted[0]).toBeCloseTo(b + w['city[T.广州]']! + 2 * w.x!, 12)
    expect(result.predicted[1]).toBeCloseTo(b + w['city[T.北京]']! + 10 * w.x!, 12)
    expect(result.predicted[2]).toBeNaN()
    expect(result.missingRows).toBe(1)
  })
})

describe('slope train --formula stores the file and the formula', () => {
  it('slope export of the run gives the model slope train --out wrote: slope predict gives the same predictions with both', async () => {
    const db = join(tmp, 'export.db')
    const formula = 'log(y) ~ poly(x, 2) + C(city, Treatment("北京"))'
    const out = join(tmp, 'trained.model.json')
    const t = await runCli(['train', cities, '--formula', formula, '--solver', 'lstsq', '--db', db, '--out', out, '--json'])
    expect(t.code, t.stderr).toBe(0)
    const runId = JSON.parse(t.stdout).run.id
    const exported = join(tmp, 'exported.model.json')
    const x = await runCli(['export', String(runId), '--out', exported, '--db', db])
    expect(x.code, x.stderr).toBe(0)
    const a = JSON.parse(readFileSync(out, 'utf8'))
    const b = JSON.parse(readFileSync(exported, 'utf8'))
    expect(b.formula).toEqual(a.formula)
    expect(b.formula.text).toBe(formula)
    const fresh = join(tmp, 'cities-predict.csv')
    writeFileSync(fresh, 'city,x\n上海,4\n北京,7.5\n广州,1\n')
    const p1 = await runCli(['predict', out, fresh])
    const p2 = await runCli(['predict', exported, fresh])
    expect(p1.code, p1.stderr).toBe(0)
    expect(p2.stdout).toBe(p1.stdout)
    expect(p1.stdout.trim().split('\n')[0]).toContain('predicted_y')
    const runs = await runCli(['runs', '--db', db, '--json'])
    expect(JSON.parse(runs.stdout).runs[0]).toMatchObject({ target: 'log(y)', formula, features: expect.arrayContaining(['C(city, Treatment("北京"))[T.上海]', 'x', 'I(x ^ 2)']) })
  })

  it('slope lr --formula reports the curvature of the expanded design: the figures of the same columns written out', async () => {
    const explicit = join(tmp, 'cities-lr.csv')
    writeFileSync(explicit, `x,x2,y\n${cityRows.map((r) => r.split(',')).map(([, x, y]) => `${x},${Number(x) ** 2},${y}`).join('\n')}\n`)
    const byFormula = await runCli(['lr', cities, '--formula', 'y ~ x + I(x ^ 2)', '--lr', '0.1', '--json'])
    const byColumns = await runCli(['lr', explicit, '--target', 'y', '--features', 'x,x2', '--lr', '0.1', '--json'])
    expect(byFormula.code, byFormula.stderr).toBe(0)
    expect(JSON.parse(byFormula.stdout)).toEqual(JSON.parse(byColumns.stdout))
    const bad = await runCli(['lr', cities, '--formula', 'y ~ xx'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('did you mean `x`?')
  })
})

const statsmodelsMissing = pythonModuleMissing('statsmodels')

describe.skipIf(statsmodelsMissing !== null)(`training.start with a formula against statsmodels${statsmodelsMissing ? ` (skipped: ${statsmodelsMissing})` : ''}`, () => {
  const script = fileURLToPath(new URL('../../bench/reference/statsmodels_ols.py', import.meta.url))
  const grunfeld = join(tmp, 'grunfeld.csv')
  const formulas = ['invest ~ value + capital + C(firm, Treatment("US Steel"))', 'invest ~ value * firm', 'log(invest) ~ log(value) + I(capital ** 2)']
  let reference: { names: string[]; params: number[]; bse: number[] }[] = []
  beforeAll(() => {
    runPythonJson(script, { export: { grunfeld }, cases: [] })
    reference = runPythonJson(script, { export: {}, cases: formulas.map((formula) => ({ csv: grunfeld, formula })) })
  }, 120_000)

  formulas.forEach((formula, k) => {
    it(`${formula}: per-term coefficients and standard errors within 1e-9 of ols(formula, data)`, async () => {
      const c = connection()
      const d = valueOf(await c.call<{ id: number }>('datasets.import', await upload(grunfeld)))
      const { runId } = valueOf(await c.call<{ runId: number }>('training.start', { datasetId: d.id, formula, config: { solver: 'lstsq' } }))
      expect((await c.services.training.waitFor(runId)).status).toBe('completed')
      const model = c.services.store.getRun(runId).model!
      const ref = reference[k]!
      expect(['Intercept', ...model.features]).toEqual(ref.names)
      const params = [model.intercept, ...model.features.map((f) => model.coefficients[f]!)]
      const se = ['(intercept)', ...model.features].map((f) => model.statistics!.std_errors[f]!)
      params.forEach((v, i) => expect(Math.abs(v - ref.params[i]!) / Math.abs(ref.params[i]!), ref.names[i]).toBeLessThan(1e-9))
      se.forEach((v, i) => expect(Math.abs(v - ref.bse[i]!) / Math.abs(ref.bse[i]!), ref.names[i]).toBeLessThan(1e-9))
    })
  })
})
