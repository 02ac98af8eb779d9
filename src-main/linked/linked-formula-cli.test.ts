import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing/run-cli'
import { tempDir } from '../testing/temp'

/**
 * `slope train FILE --link --formula …` against the same command with `--import`: the in-memory
 * formula path (design-matrix.ts on the whole table) is the reference for the streamed one (the
 * same code on each chunk, its state from a pass of its own). A text factor, an interaction, a
 * transformed response and a stateful transform of a transform are all in the formula.
 */
const dir = tempDir('slope-linked-formula-')
const csv = join(dir, 'sales.csv')
const parquet = join(dir, 'sales.parquet')
const formula = 'log(y) ~ x1 + C(region) + x1:x3 + scale(log(x3))'

interface ModelFile {
  coefficients: Record<string, number>
  intercept: number
  features: string[]
  formula: { text: string; response_column: string; back_transform: string | null; transforms: { name: string; mean: number; scale: number }[]; factors: unknown[]; terms: unknown[] }
  statistics: { std_errors: Record<string, number>; r2: number; residual_sd: number } | null
}

beforeAll(async () => {
  // 150,000 rows, three of the scan's 65,536-row chunks; regions in blocks of 40,000 rows, so the
  // first chunk sees two of the four levels and the last level first appears in the third.
  let s = 11
  const next = () => (s = (s * 48271) % 2147483647) / 2147483647
  const regions = ['EU', 'US', 'Asia', 'Ç-zone']
  const lines = ['x1,x2,x3,region,y']
  for (let i = 0; i < 150_000; i++) {
    const x1 = next() * 4 - 2
    const x3 = 0.5 + next() * 3.5
    const region = regions[Math.min(3, Math.floor(i / 40_000))]!
    const y = Math.exp(0.3 + 0.3 * x1 + 0.04 * x1 * x3 - 0.1 * Math.log(x3) + regions.indexOf(region) * 0.05 + (next() - 0.5) * 0.2)
    lines.push(`${x1.toFixed(6)},${(next() * 5).toFixed(6)},${x3.toFixed(6)},${region},${y.toPrecision(9)}`)
  }
  writeFileSync(csv, `${lines.join('\n')}\n`)
  const db = await DuckDBInstance.create(':memory:')
  const connection = await db.connect()
  await connection.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${parquet}' (FORMAT parquet, ROW_GROUP_SIZE 10000)`)
  connection.closeSync()
}, 60_000)

async function trained(args: string[], name: string): Promise<ModelFile> {
  const out = join(dir, `${name}.json`)
  const result = await runCli(['train', ...args, '--formula', formula, '--db', join(dir, `${name}.db`), '--out', out])
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(readFileSync(out, 'utf8')) as ModelFile
}

function expectRelativelyClose(actual: number, expected: number, tolerance = 1e-12): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)))
}

function expectSameModel(linked: ModelFile, memory: ModelFile): void {
  expect(linked.features).toEqual(memory.features)
  expect(linked.features).toEqual(['C(region)[T.EU]', 'C(region)[T.US]', 'C(region)[T.Ç-zone]', 'x1', 'x1:x3', 'scale(log(x3))'])
  expectRelativelyClose(linked.intercept, memory.intercept)
  for (const f of memory.features) expectRelativelyClose(linked.coefficients[f]!, memory.coefficients[f]!)
  // The formula document a prediction rebuilds the design from: the same terms, levels, reference and transforms.
  const { transforms, ...rest } = linked.formula
  const { transforms: memoryTransforms, ...memoryRest } = memory.formula
  expect(rest).toEqual(memoryRest)
  expect(transforms.map((t) => t.name)).toEqual(memoryTransforms.map((t) => t.name))
  transforms.forEach((t, k) => {
    expectRelativelyClose(t.mean, memoryTransforms[k]!.mean)
    expectRelativelyClose(t.scale, memoryTransforms[k]!.scale)
  })
}

describe('a formula on linked data, chunk by chunk, equals the in-memory formula run', () => {
  for (const [format, file] of [['CSV', csv], ['Parquet', parquet]] as const) {
    it(`exact least squares on ${format}: coefficients, standard errors and R² to 1e-12, the same formula document`, async () => {
      const memory = await trained([csv, '--import', '--solver', 'lstsq'], `memory-lstsq-${format}`)
      const linked = await trained([file, '--link'], `linked-lstsq-${format}`)
      expectSameModel(linked, memory)
      for (const f of memory.features) expectRelativelyClose(linked.statistics!.std_errors[f]!, memory.statistics!.std_errors[f]!, 1e-10)
      expectRelativelyClose(linked.statistics!.r2, memory.statistics!.r2)
    }, 120_000)
  }

  it('gradient descent, full batch: the same model to 1e-12 after 20 epochs', async () => {
    const settings = ['--solver', 'gd', '--optimizer', 'sgd', '--lr', '0.1', '--epochs', '20']
    const memory = await trained([csv, '--import', ...settings], 'memory-gd')
    const linked = await trained([csv, '--link', ...settings], 'linked-gd')
    expectSameModel(linked, memory)
  }, 120_000)

  it('the linked model predicts a linked file as the in-memory model predicts the imported one', async () => {
    const model = join(dir, 'linked-lstsq-CSV.json')
    const streamedOut = join(dir, 'streamed.csv')
    const streamed = await runCli(['predict', model, csv, '--link', '--out', streamedOut])
    expect(streamed.code, streamed.stderr).toBe(0)
    const memory = await runCli(['predict', join(dir, 'memory-lstsq-CSV.json'), csv, '--import'])
    expect(memory.code, memory.stderr).toBe(0)
    const column = (text: string, name: string) => {
      const [header, ...rows] = text.trim().split('\n')
      const k = header!.split(',').indexOf(name)
      expect(k).toBeGreaterThanOrEqual(0)
      return rows.map((r) => Number(r.split(',')[k]))
    }
    const a = column(readFileSync(streamedOut, 'utf8'), 'predicted_y')
    const b = column(memory.stdout, 'predicted_y')
    expect(a).toHaveLength(150_000)
    a.forEach((v, i) => expectRelativelyClose(v, b[i]!, 1e-11))
  }, 120_000)

  it('a formula naming a column the file lacks gets the in-memory sentence, before any row is read', async () => {
    const bad = ['--formula', 'log(y) ~ x1 + regoin', '--no-db']
    const linked = await runCli(['train', csv, '--link', ...bad])
    const memory = await runCli(['train', csv, '--import', ...bad])
    expect(linked.code).toBe(1)
    const sentence = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('error:'))
    expect(sentence(linked.stderr)).toMatch(/regoin/)
    expect(sentence(linked.stderr)).toBe(sentence(memory.stderr))
  }, 60_000)

  it('an empty cell in a column the formula reads names its row and the filter that leaves it out', async () => {
    const gaps = join(dir, 'gaps.csv')
    writeFileSync(gaps, 'x1,sales region,y\n1,EU,2\n2,US,3\n3,,4\n4,EU,5\n5,US,7\n')
    const result = await runCli(['train', gaps, '--link', '--formula', 'y ~ x1 + C(`sales region`)', '--no-db'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`error: Column "sales region" has an empty value in row 3 of the linked data. Filter such rows out with --where '"sales region" IS NOT NULL', or fix the file.`)
  }, 60_000)
})
