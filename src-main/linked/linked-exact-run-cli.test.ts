import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../services/database'
import { RunStore } from '../services/run-store'
import { runCli } from '../testing/run-cli'
import { tempDir } from '../testing/temp'
import { leastSquares } from '../../src-core/model/least-squares'
import { computeMetrics } from '../../src-core/model/metrics'
import { linkedRunSource } from './linked-run-store'

const dir = tempDir('slope-linked-exact-cli-')

describe('slope train FILE --link (the exact fit) saves its run', () => {
  // y = 1 + 2x ± 0.5 alternating; the reference is the in-memory fit of the same numbers.
  const lines = ['x,y']
  const X = new Float64Array(4000)
  const y = new Float64Array(4000)
  for (let i = 0; i < 4000; i++) {
    X[i] = i
    y[i] = 1 + 2 * i + (i % 2 === 0 ? 0.5 : -0.5)
    lines.push(`${i},${y[i]}`)
  }
  const reference = leastSquares({ X, y, features: ['x'], intercept: true })
  const metrics = computeMetrics(Float64Array.from(X, (x) => reference.intercept + reference.weights[0]! * x), y)
  const path = join(dir, 'exact.csv')
  writeFileSync(path, lines.join('\n') + '\n')

  it('with --db: a completed lstsq run with its model, metrics and link, as slope runs lists it', async () => {
    const db = join(dir, 'runs.db')
    const out = join(dir, 'exact.model.json')
    const result = await runCli(['train', path, '--link', '--target', 'y', '--db', db, '--name', 'streamed exact', '--out', out])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(`saved as run 1 in ${db}`)
    expect(existsSync(out)).toBe(true)
    const store = new RunStore(openDatabase(db), db)
    try {
      const run = store.getRun(1)
      expect(run).toMatchObject({ name: 'streamed exact', status: 'completed', solver: 'lstsq', target: 'y', features: ['x'] })
      expect(run.model!.intercept).toBeCloseTo(reference.intercept, 10)
      expect(run.model!.coefficients.x).toBeCloseTo(reference.weights[0]!, 12)
      expect(run.outcome!.metrics!.train.mae).toBeCloseTo(metrics.mae, 10)
      expect(run.outcome!.metrics!.train.mse).toBeCloseTo(metrics.mse, 10)
      expect(run.outcome!.metrics!.train.r2).toBeCloseTo(metrics.r2, 12)
      expect(run.outcome!.trainRows).toBe(4000)
      expect(linkedRunSource(store, 1)).toMatchObject({ pattern: path, where: null, files: 1 })
    } finally {
      store.close()
    }
    const listed = await runCli(['runs', '--db', db])
    expect(listed.stdout).toContain('streamed exact')
  })

  it('with --no-db: printed, nothing saved', async () => {
    const result = await runCli(['train', path, '--link', '--target', 'y', '--no-db'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('on 4,000 rows')
    expect(result.stdout).not.toContain('saved as run')
    expect(result.stderr).toMatch(/pass 1\/2: /)
  })
})
