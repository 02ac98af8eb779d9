import { describe, expect, it } from 'vitest'
import type { ComputeStart, Envelope, Handlers, PredictionResult } from '../../src-core/contract'
import { tutorialUpload } from '../testing/datasets'
import { appConnections, errorOf } from '../testing/app-connection'
import { dispatch } from './api-handlers'

const { connection } = appConnections('slope-handlers-')

describe('request handlers answer bad input with a sentence', () => {
  it('datasets.import with a column name twice: the name, and what to do; nothing is stored', async () => {
    const c = connection()
    const upload = tutorialUpload()
    const error = errorOf(await c.call('datasets.import', { ...upload, names: ['x', 'x'] }))
    expect(error).toEqual({
      inputError: true,
      message: 'Column names must be unique: "x" appears twice in tutorial.csv.',
      hint: 'Rename the repeated columns in the file and import it again.',
      where: { file: 'tutorial.csv', column: 'x' },
    })
    expect(c.services.store.listDatasets()).toEqual([])
    expect(c.logged).toEqual([])
  })

  it('datasets.prepare stores a preparation that datasets.get returns; a feature that is no column gets a sentence', async () => {
    const c = connection()
    const { id } = c.services.store.addDataset(tutorialUpload())
    const saved = await c.call('datasets.prepare', id, { target: 'y', features: ['x'], data: { standardize: false } })
    expect(saved).toEqual({ ok: true, value: { target: 'y', features: ['x'], data: { standardize: false }, formula: null } })
    const got = (await c.call('datasets.get', id)) as Envelope<{ preparation: unknown }>
    expect(got.ok && got.value.preparation).toEqual({ target: 'y', features: ['x'], data: { standardize: false }, formula: null })
    expect(errorOf(await c.call('datasets.prepare', id, { target: 'y', features: ['z'] })).message).toBe('Dataset "tutorial" has no numeric column "z".')
    expect(c.logged).toEqual([])
  })

  it('models.predict with names that do not pair up with the columns: a sentence, not the Table assertion', async () => {
    const c = connection()
    const trained = await c.call('training.start', { datasetId: (await c.services.store.addDataset(tutorialUpload())).id, target: 'y', config: { solver: 'lstsq' } })
    const runId = (trained as { ok: true; value: { runId: number } }).value.runId
    await c.services.training.waitFor(runId)
    const error = errorOf(await c.call('models.predict', { runId, table: { ...tutorialUpload(), fileName: 'new.csv', names: ['x', 'y', 'z'], columns: [Float64Array.from([1])] } }))
    expect(error).toMatchObject({ inputError: true, message: 'The table has 3 column names for 1 column in new.csv.', hint: 'Import the file again.' })
    expect(c.logged).toEqual([])
  })

  it('models.predict applies a stored run’s model: ŷ = b + w·x from the model’s own numbers, metrics over complete rows', async () => {
    const c = connection()
    const dataset = c.services.store.addDataset(tutorialUpload())
    const started = (await c.call('training.start', { datasetId: dataset.id, target: 'y', config: { solver: 'lstsq' } })) as { ok: true; value: { runId: number } }
    await c.services.training.waitFor(started.value.runId)
    const model = c.services.store.getRun(started.value.runId).model!
    const w = model.coefficients.x!
    const b = model.intercept
    const x = [1, NaN, 3]
    const y = [2, 5, NaN]
    const answer = await c.call('models.predict', { runId: started.value.runId, table: { ...tutorialUpload(), fileName: 'new.csv', columns: [Float64Array.from(x), Float64Array.from(y)] } })
    const result = (answer as { ok: true; value: PredictionResult }).value
    expect(Array.from(result.predicted)).toEqual([b + w * 1, NaN, b + w * 3])
    expect(result.missingRows).toBe(1)
    // only row 0 has both: one residual r = b + w − 2
    const r = b + w - 2
    expect(result.metrics).toMatchObject({ mse: expect.closeTo(r * r, 12), mae: expect.closeTo(Math.abs(r), 12) })
  })

  it('models.predict with an interval: statsmodels get_prediction().summary_frame(alpha=0.1) bands; a gradient-descent run says why it has none', async () => {
    const c = connection()
    const dataset = c.services.store.addDataset(tutorialUpload())
    const started = (await c.call('training.start', { datasetId: dataset.id, target: 'y', config: { solver: 'lstsq' } })) as { ok: true; value: { runId: number } }
    await c.services.training.waitFor(started.value.runId)
    const table = { ...tutorialUpload(), fileName: 'new.csv', columns: [Float64Array.from([1, 3, NaN]), Float64Array.from([0, 0, 0])] }
    // statsmodels 0.13, OLS(y, add_constant(x)) on the tutorial's 15 rows, at x = 1 and 3.
    const reference = {
      confidence: [[0.5289243571675115, 1.486385966665901], [1.1963576220581282, 1.8589122943064178]],
      prediction: [[0.0909019178928624, 1.9244084059405502], [0.6785189470024465, 2.3767509693620994]],
    }
    for (const kind of ['confidence', 'prediction'] as const) {
      const answer = (await c.call('models.predict', { runId: started.value.runId, table, interval: { kind, level: 0.9 } })) as Envelope<PredictionResult>
      if (!answer.ok) throw new Error(answer.error.message)
      const i = answer.value.interval!
      expect(i).toMatchObject({ kind, level: 0.9 })
      reference[kind].forEach(([lower, upper], row) => {
        expect(Math.abs(i.lower[row]! - lower!) / Math.abs(lower!)).toBeLessThan(1e-9)
        expect(Math.abs(i.upper[row]! - upper!) / Math.abs(upper!)).toBeLessThan(1e-9)
      })
      expect([i.lower[2], i.upper[2]]).toEqual([NaN, NaN]) // no prediction, no interval
    }
    const plain = (await c.call('models.predict', { runId: started.value.runId, table })) as { ok: true; value: PredictionResult }
    expect(plain.value.interval).toBeNull()
    expect(errorOf(await c.call('models.predict', { runId: started.value.runId, table, interval: { kind: 'confidence', level: 1.5 } })).inputError).toBe(true)

    const gd = (await c.call('training.start', { datasetId: dataset.id, target: 'y', config: { epochs: 3 } })) as { ok: true; value: { runId: number } }
    await c.services.training.waitFor(gd.value.runId)
    const refused = errorOf(await c.call('models.predict', { runId: gd.value.runId, table, interval: { kind: 'prediction', level: 0.95 } }))
    expect(refused).toMatchObject({ inputError: true, message: expect.stringContaining('fitted by gradient descent, so it has no intervals') })
    expect(c.logged).toEqual([])
  })

  it('the run’s name cannot be empty: the field is named', async () => {
    const c = connection()
    const dataset = c.services.store.addDataset(tutorialUpload())
    const error = errorOf(await c.call('training.start', { datasetId: dataset.id, target: 'y', config: {}, name: '' }))
    expect(error).toMatchObject({ inputError: true, message: 'A name cannot be empty (name in training.start).' })
    expect(c.services.store.listRuns()).toEqual([])
  })

  it('an unexpected exception in a handler is logged and answered as an error, never thrown', async () => {
    const c = connection()
    const broken = { ...c.handlers, 'datasets.list': async () => { throw new TypeError('boom') } } as Handlers
    const logged: unknown[] = []
    const answer = await dispatch(broken, 'datasets.list', [], (e) => logged.push(e))
    expect(errorOf(answer)).toMatchObject({ inputError: false, message: 'Something went wrong inside Slope: boom.' })
    expect(logged).toHaveLength(1)
  })
})

describe('compute.report from the page is checked before anything is stored', () => {
  it('a malformed report is an error answer, and the run it was about fails with a sentence', async () => {
    const c = connection()
    const dataset = c.services.store.addDataset(tutorialUpload())
    expect(await c.call('compute.register', { kind: 'webgl', renderer: 'test page', software: true })).toMatchObject({ ok: true })
    const started = (await c.call('training.start', { datasetId: dataset.id, target: 'y', config: { backend: 'webgl', precision: 'f32', epochs: 100 } })) as { ok: true; value: { runId: number } }
    const runId = started.value.runId
    const start = c.events.find((e) => e.event === 'compute.start')?.payload as ComputeStart
    expect(start).toMatchObject({ kind: 'run', message: { runId: String(runId) } })

    // A progress report whose losses are a plain array, not a Float64Array: nothing of it is kept.
    const bad = errorOf(await c.call('compute.report', { type: 'progress', runId: String(runId), from: 0, loss: [1, 2], valLoss: null, params: new Float64Array(2), elapsedMs: 1 }))
    expect(bad).toMatchObject({ inputError: true, message: 'Must be a Float64Array (loss in the GPU window’s report).' })
    const run = await c.services.training.waitFor(runId)
    expect(run.status).toBe('failed')
    expect(run.error).toBe('The GPU window sent a malformed report, so the run stopped: Must be a Float64Array (loss in the GPU window’s report). Start it again, or train on the CPU backend.')
    expect(run.epochsRun).toBe(0)
    expect(c.events).toContainEqual({ event: 'compute.control', payload: { runId: String(runId), action: 'cancel' } })

    // An unknown message type names the field too.
    expect(errorOf(await c.call('compute.report', { type: 'hello', runId: '1' })).message).toMatch(/^Invalid discriminator value\. Expected .* \(type in the GPU window’s report\)\.$/)
    expect(c.logged).toEqual([])
  })
})
