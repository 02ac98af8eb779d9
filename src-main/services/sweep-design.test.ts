import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Envelope, EventName, Events } from '../../src-core/contract'
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

function valueOf<T>(e: Envelope<unknown>): T {
  if (!e.ok) throw new Error(e.error.message)
  return e.value as T
}

/** 400 rows of y = 1 + 2x1 − x2 + 0.5·x1·x2 + noise from a fixed LCG. */
function upload() {
  let state = 7
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5
  const n = 400
  const x1 = new Float64Array(n)
  const x2 = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x1[i] = next() * 4
    x2[i] = next() * 4
    y[i] = 1 + 2 * x1[i]! - x2[i]! + 0.5 * x1[i]! * x2[i]! + 0.1 * next()
  }
  return { name: 'lcg', fileName: 'lcg.csv', sha256: sha256('sweep-design'), names: ['x1', 'x2', 'y'], columns: [x1, x2, y] }
}

describe('training.sweep with a formula', () => {
  it('builds the design once for the whole sweep, and each run trains exactly as training.start of its settings does', async () => {
    const services = openServices({ databasePath: join(dir, 'sweep.db'), workerFactory: sourceTrainWorker, shell: 'web', poolSize: 1, helperThreadsPerRun: 0 })
    opened.push(services)
    const emit: Emit = <K extends EventName>(_event: K, _payload: Events[K]) => undefined
    const { handlers } = services.connect(emit)
    const call = (name: string, ...args: unknown[]) => dispatch(handlers, name, args)
    const { store, training } = services
    const dataset = store.addDataset(upload())
    // Count the real store's reads of the data a formula is built on (the SQLite read stays real).
    const read = store.loadFormulaData.bind(store)
    let reads = 0
    store.loadFormulaData = (id) => {
      reads++
      return read(id)
    }
    const formula = 'y ~ x1 * x2 + I(x2 ^ 2)'
    const { runIds } = valueOf<{ runIds: number[] }>(await call('training.sweep', { datasetId: dataset.id, formula, config: { epochs: 200 }, learningRates: { min: 0.01, max: 0.1, count: 3 } }))
    for (const id of runIds) expect((await training.waitFor(id)).status).toBe('completed')
    expect(reads).toBe(1)

    for (const id of runIds) {
      const swept = store.getRun(id)
      const alone = valueOf<{ runId: number }>(await call('training.start', { datasetId: dataset.id, formula, config: swept.config }))
      expect((await training.waitFor(alone.runId)).status).toBe('completed')
      const single = store.getRun(alone.runId)
      expect(swept.features).toEqual(['x1', 'x2', 'x1:x2', 'I(x2 ^ 2)'])
      expect(Array.from(swept.outcome!.trainingParams)).toEqual(Array.from(single.outcome!.trainingParams))
      expect({ ...swept.model, created_at: null }).toEqual({ ...single.model, created_at: null })
    }
  })
})
