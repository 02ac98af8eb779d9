import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Envelope, EventName, Events } from '../../src-core/contract'
import type { RunDiagnostics } from '../../src-core/model/row-diagnostics'
import { tutorialUpload } from '../testing/datasets'
import { tempDir } from '../testing/temp'
import { dispatch, type Emit } from './api-handlers'
import { openServices, type AppServices } from './app-services'
import { sourceTrainWorker } from './train-worker'

const dir = tempDir()
const opened: AppServices[] = []
afterAll(async () => {
  for (const s of opened) await s.close()
})

/** Real services on a temporary SQLite file and one connection's dispatch. */
function connection() {
  const services = openServices({ databasePath: join(dir, `d-${opened.length}.db`), workerFactory: sourceTrainWorker, shell: 'web', poolSize: 1 })
  opened.push(services)
  const emit: Emit = <K extends EventName>(_event: K, _payload: Events[K]) => undefined
  const { handlers } = services.connect(emit)
  return { services, call: (name: string, ...args: unknown[]) => dispatch(handlers, name, args) }
}

async function trained(c: ReturnType<typeof connection>, config: object) {
  const dataset = c.services.store.addDataset(tutorialUpload())
  const started = (await c.call('training.start', { datasetId: dataset.id, target: 'y', config })) as { ok: true; value: { runId: number } }
  await c.services.training.waitFor(started.value.runId)
  return started.value.runId
}

describe('models.diagnostics', () => {
  it('answers the hand-computable figures of a one-feature exact fit: hᵢ = 1/n + (xᵢ − x̄)²/Sxx, eᵢ = yᵢ − ŷᵢ, row numbers, added-variable slope = w', async () => {
    const c = connection()
    const runId = await trained(c, { solver: 'lstsq' })
    const answer = (await c.call('models.diagnostics', runId, { addedVariable: 'x' })) as Envelope<RunDiagnostics>
    if (!answer.ok) throw new Error(answer.error.message)
    const r = answer.value
    const [x, y] = tutorialUpload().columns.map((col) => Array.from(col as Float64Array))
    const n = x!.length
    const mx = x!.reduce((s, v) => s + v, 0) / n
    const my = y!.reduce((s, v) => s + v, 0) / n
    const sxx = x!.reduce((s, v) => s + (v - mx) ** 2, 0)
    const w = x!.reduce((s, v, i) => s + (v - mx) * (y![i]! - my), 0) / sxx
    const b = my - w * mx
    expect(r.terms).toEqual(['(intercept)', 'x'])
    expect(r.leverage.length).toBe(n)
    expect(Array.from(r.rowNumber)).toEqual(Array.from({ length: n }, (_, i) => i + 2)) // header on row 1
    for (let i = 0; i < n; i++) {
      expect(r.leverage[i]).toBeCloseTo(1 / n + (x![i]! - mx) ** 2 / sxx, 12)
      expect(r.residual[i]).toBeCloseTo(y![i]! - (b + w * x![i]!), 10)
    }
    expect(r.thresholds).toEqual({ cooksD: 4 / n, studentized: 3, leverage: 4 / n })
    expect(r.dfbetas!.length).toBe(2 * n)
    const av = r.addedVariable!
    const slope = av.x.reduce((s, v, i) => s + v * av.y[i]!, 0) / av.x.reduce((s, v) => s + v * v, 0)
    expect(slope).toBeCloseTo(w, 10)
  })

  it('a gradient-descent run: one sentence saying the diagnostics assume the least-squares estimate', async () => {
    const c = connection()
    const runId = await trained(c, { epochs: 5 })
    const answer = await c.call('models.diagnostics', runId)
    expect(answer.ok).toBe(false)
    if (answer.ok) return
    expect(answer.error).toMatchObject({ inputError: true, message: expect.stringContaining('assume the least-squares estimate'), hint: expect.stringContaining('exact fit') })
  })
})
