import { fitModel } from '../../src-core/train/fit-model'
import { parseTrainConfig, type TrainConfigInput } from '../../src-core/train/config'
import { Table } from '../../src-core/table/table'
import { Random } from '../../src-core/random'
import type { TrainRequest } from './harness-api'
import { callHarness, expect, test } from './fixtures'

/** Seeded regression data: independent features of mixed scale, y linear in them plus noise. */
function regressionTable(rows: number, features: number, seed: number, offset = 0): { names: string[]; columns: number[][] } {
  const rng = new Random(seed)
  const columns = Array.from({ length: features + 1 }, () => new Array<number>(rows))
  for (let i = 0; i < rows; i++) {
    let y = 1.5
    for (let j = 0; j < features; j++) {
      const x = offset + rng.uniform(-1, 1) * (1 + j)
      columns[j]![i] = x
      y += (j % 2 ? -0.8 : 0.5) * x
    }
    columns[features]![i] = y + rng.uniform(-0.5, 0.5)
  }
  return { names: [...Array.from({ length: features }, (_, j) => `x${j}`), 'y'], columns }
}

async function cpuReference(request: TrainRequest) {
  const table = new Table(request.names, request.columns.map((c) => Float64Array.from(c)))
  return fitModel({ table, target: request.target, config: request.config })
}

function maxRelativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!))
  return worst
}

const request = (config: TrainConfigInput, rows = 3000, features = 8, offset = 0): TrainRequest => ({
  ...regressionTable(rows, features, 42, offset),
  target: 'y',
  config: parseTrainConfig({ precision: 'f32', backend: 'webgl', ...config }),
})

test('probe reports WebGL2 with float render targets and names the renderer', async ({ page }) => {
  const capability = await callHarness(page, 'probe')
  expect(capability.available).toBe(true)
  if (capability.available) {
    expect(capability.info.renderer.length).toBeGreaterThan(0)
    expect(capability.info.maxFeatures).toBeGreaterThanOrEqual(100)
    test.info().annotations.push({ type: 'renderer', description: capability.info.renderer })
  }
})

for (const [name, config, rows] of [
  ['full-batch SGD', { learningRate: 0.1, epochs: 200 }, 3000],
  // 20,000 rows: data, residuals and the row order wrap onto several texture rows (8,192 texels wide on SwiftShader).
  ['mini-batch Adam with validation, 20,000 rows', { optimizer: 'adam', learningRate: 0.05, epochs: 10, batchSize: 1000, validationFraction: 0.2 }, 20_000],
  ['SGD with Nesterov momentum, weight decay and a cosine schedule', { learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01, schedule: { kind: 'cosine' }, epochs: 100 }, 3000],
] as const) {
  test(`${name}: losses within 1e-5 relative of the CPU backend in f32`, async ({ page }) => {
    const r = request(config, rows)
    const [gpu, cpu] = await Promise.all([callHarness(page, 'train', r), cpuReference(r)])
    expect(gpu.failed).toBeNull()
    expect(gpu.done!.status).toBe('completed')
    expect(gpu.done!.epochsRun).toBe(cpu.epochsRun)
    expect(gpu.streamedLoss).toEqual(gpu.done!.loss)
    expect(gpu.events.at(-1)).toBe('done')
    const lossDiff = maxRelativeDiff(gpu.done!.loss, cpu.loss)
    test.info().annotations.push({ type: 'max relative loss difference', description: lossDiff.toExponential(2) })
    expect(lossDiff).toBeLessThanOrEqual(1e-5)
    if (cpu.valLoss) expect(maxRelativeDiff(gpu.done!.valLoss!, cpu.valLoss)).toBeLessThanOrEqual(1e-5)
  })
}

test('raw features far from zero (~10⁴, not standardized): losses within the documented 1e-4', async ({ page }) => {
  // f32 residuals lose digits to cancellation when the terms of x·w + b dwarf y − ŷ (README,
  // "WebGL backend"): measured 8.5e-6 here on SwiftShader, 6.5e-5 at ~10⁵.
  const r = request({ learningRate: 1e-9, epochs: 300, standardize: false }, 3000, 4, 10_000)
  const [gpu, cpu] = await Promise.all([callHarness(page, 'train', r), cpuReference(r)])
  expect(gpu.done!.status).toBe('completed')
  expect(maxRelativeDiff(gpu.done!.loss, cpu.loss)).toBeLessThanOrEqual(1e-4)
})

test('the cancel flag stops the run between epochs; the losses so far are kept', async ({ page }) => {
  const report = await callHarness(page, 'train', { ...request({ epochs: 1_000_000 }, 200, 3), cancelAfterFirstProgress: true })
  expect(report.failed).toBeNull()
  expect(report.done!.status).toBe('cancelled')
  expect(report.done!.epochsRun).toBeGreaterThan(0)
  expect(report.done!.epochsRun).toBeLessThan(1_000_000)
  expect(report.streamedLoss).toEqual(report.done!.loss)
})

test('an f64 run is refused with the fix: WebGL computes in f32 only', async ({ page }) => {
  const report = await callHarness(page, 'train', request({ precision: 'f64', epochs: 5 }))
  expect(report.events).toEqual(['failed'])
  expect(report.failed).toEqual({
    inputError: true,
    message: 'The WebGL backend computes in single precision (f32) only.',
    hint: 'Set the precision to f32, or train on the CPU backend for f64.',
  })
})
