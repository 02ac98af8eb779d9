import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Random } from '../../src-core/random'
import { Table } from '../../src-core/table/table'
import { parseTrainConfig, type TrainConfigInput } from '../../src-core/train/config'
import { fitModel } from '../../src-core/train/fit-model'
import { linkedStandardization } from '../cli/linked-train-command'
import { runCli } from '../testing/run-cli'
import { tempDir } from '../testing/temp'
import { LinkedSource } from './linked-source'
import { RowHashSplit } from './row-hash-split'
import { streamedGradientDescent } from './streamed-gradient-descent'

const dir = tempDir('slope-linked-gd-')
const features = ['x1', 'x2', 'x3']
const n = 60_000 // four 16,384-row chunks and a short last one

/** y = 3 + 2·x1 − x2 + 0.5·x3 + noise, as CSV (shortest round-trip decimals) and columns. */
function generate(): { csv: string; columns: Float64Array[] } {
  const rng = new Random(11)
  const columns = [0, 1, 2, 3].map(() => new Float64Array(n))
  const lines = ['x1,x2,x3,y']
  for (let i = 0; i < n; i++) {
    const x = [rng.uniform(-5, 5), rng.uniform(0, 100), rng.uniform(-1, 1) * 1e3]
    const y = 3 + 2 * x[0]! - x[1]! + 0.5 * x[2]! + rng.uniform(-1, 1)
    ;[...x, y].forEach((v, j) => (columns[j]![i] = v))
    lines.push(`${x.join(',')},${y}`)
  }
  return { csv: `${lines.join('\n')}\n`, columns }
}

const data = generate()
const csvPath = join(dir, 'data.csv')
writeFileSync(csvPath, data.csv)

async function streamed(settings: TrainConfigInput, shuffleChunks = 2) {
  const config = parseTrainConfig(settings)
  const source = await LinkedSource.open(csvPath, { memoryLimitBytes: 256 * 2 ** 20, threads: 2 })
  try {
    const stats = await source.statistics([...features, 'y'])
    const standardization = config.standardize ? linkedStandardization(stats.columns.slice(0, 3), config.intercept) : null
    return await streamedGradientDescent({ source, features, response: 'y', config, standardization, responseMean: stats.columns[3]!.mean, shuffleChunks, rowsPerChunk: 16_384 })
  } finally {
    source.close()
  }
}

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected))
}

describe('gradient descent streamed from a linked file', () => {
  it('full batch: every epoch loss and the final parameters equal the in-memory run to 1e-12', async () => {
    const settings: TrainConfigInput = { solver: 'gd', optimizer: 'sgd', learningRate: 0.3, epochs: 12, init: { kind: 'random' }, seed: 5 }
    const run = await streamed(settings)
    const memory = await fitModel({ table: new Table([...features, 'y'], data.columns), target: 'y', features, config: parseTrainConfig(settings) })
    expect(run.status).toBe('completed')
    expect(run.trainRows).toBe(n)
    expect(run.loss.length).toBe(12)
    // Chunk means weighted back to sums and DuckDB's statistics for the scaling: a few ulps apart.
    run.loss.forEach((l, k) => expectRelative(l, memory.loss[k]!, 1e-12))
    run.params.forEach((p, j) => expectRelative(p, memory.trainingParams[j]!, 1e-12))
    expectRelative(run.metrics!.train.mse, memory.metrics!.train.mse, 1e-12)
    expectRelative(run.metrics!.train.r2, memory.metrics!.train.r2, 1e-12)
    expect(run.loss[11]).toBeLessThan(run.loss[0]! / 2) // it trained
  }, 60_000)

  it('mini-batches: the same seed gives a bit-identical run, another seed another one', async () => {
    const settings: TrainConfigInput = { solver: 'gd', optimizer: 'sgd', learningRate: 0.01, epochs: 3, batchSize: 256, seed: 3 }
    const a = await streamed(settings)
    const b = await streamed(settings)
    const c = await streamed({ ...settings, seed: 4 })
    expect(a.status).toBe('completed')
    expect(Array.from(b.loss)).toEqual(Array.from(a.loss))
    expect(Array.from(b.params)).toEqual(Array.from(a.params))
    expect(Array.from(c.loss)).not.toEqual(Array.from(a.loss))
    expect(a.loss[2]).toBeLessThan(a.loss[0]!)
  }, 60_000)

  it('holds out the rows the seeded row hash picks, the same ones in every epoch and run, within binomial bounds', async () => {
    const fraction = 0.2
    const settings: TrainConfigInput = { solver: 'gd', optimizer: 'adam', learningRate: 0.05, epochs: 4, validationFraction: fraction, seed: 9 }
    const run = await streamed(settings)
    const again = await streamed(settings)
    const split = new RowHashSplit(9, fraction)
    const held: number[] = []
    for (let i = 0; i < n; i++) if (split.heldOut(i)) held.push(i)
    // The documented hash, computed independently (Python, MurmurHash3's fmix32): the first held-out rows for seed 9, fraction 0.2.
    expect(held.slice(0, 8)).toEqual([0, 9, 21, 25, 29, 33, 47, 50])
    expect(run.validationRows).toBe(held.length)
    expect(run.trainRows).toBe(n - held.length)
    const sd = Math.sqrt(n * fraction * (1 - fraction))
    expect(Math.abs(held.length - n * fraction)).toBeLessThan(5 * sd)
    expect(Array.from(again.valLoss!)).toEqual(Array.from(run.valLoss!))
    expect(new RowHashSplit(10, fraction).heldOut(held[0]!) && new RowHashSplit(10, fraction).heldOut(held[1]!) && new RowHashSplit(10, fraction).heldOut(held[2]!)).toBe(false)
    // The last validation loss is the MSE of exactly those rows at the final parameters (an independent sum here).
    const source = await LinkedSource.open(csvPath, { memoryLimitBytes: 256 * 2 ** 20, threads: 2 })
    const stats = await source.statistics([...features, 'y'])
    source.close()
    const st = linkedStandardization(stats.columns.slice(0, 3), true)
    let sse = 0
    for (const i of held) {
      let p = run.params[3]!
      for (let j = 0; j < 3; j++) p += run.params[j]! * ((data.columns[j]![i]! - st.mean[j]!) / st.scale[j]!)
      sse += (p - data.columns[3]![i]!) ** 2
    }
    expectRelative(run.valLoss![3]!, sse / held.length, 1e-12)
    expect(run.valLoss!.every(Number.isFinite)).toBe(true)
  }, 60_000)

  it('slope train --link --solver gd saves the run: slope runs lists it and slope export writes its model', async () => {
    const db = join(dir, 'runs.db')
    const trained = await runCli(['train', csvPath, '--link', '--solver', 'gd', '--target', 'y', '--lr', '0.05', '--optimizer', 'adam', '--epochs', '5', '--validation', '0.1', '--db', db, '--memory-limit', '256MiB'])
    expect(trained.stderr).not.toContain('error')
    expect(trained.code).toBe(0)
    expect(trained.stderr).toMatch(/epoch 1\/5: [\d,]+ rows, [\d,]+ rows\/s, ETA \d/) // the first chunk always reports
    expect(trained.stdout).toMatch(/epoch: 4, loss: [\d.e+-]+, val_loss: [\d.e+-]+/)
    expect(trained.stdout).toMatch(/completed 5 epochs of gradient descent \(full batch\) streamed from 1 linked file/)
    const id = /saved as run (\d+)/.exec(trained.stdout)?.[1]
    expect(id).toBeDefined()
    const runs = await runCli(['runs', '--db', db, '--json'])
    const listed = (JSON.parse(runs.stdout) as { runs: { id: number; status: string; dataset: string; epochs_run: number }[] }).runs
    expect(listed).toEqual([expect.objectContaining({ id: Number(id), status: 'completed', dataset: 'data.csv (linked)', epochs_run: 5 })])
    const out = join(dir, 'model.json')
    const exported = await runCli(['export', id!, '--out', out, '--db', db])
    expect(exported.code).toBe(0)
    const model = JSON.parse(readFileSync(out, 'utf8')) as { features: string[]; training: { epochs_run: number }; dataset: { train_rows: number; validation_rows: number } }
    expect(model.features).toEqual(features)
    expect(model.training.epochs_run).toBe(5)
    expect(model.dataset.train_rows + model.dataset.validation_rows).toBe(n)
  }, 120_000)
})
