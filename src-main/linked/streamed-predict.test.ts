import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing/run-cli'
import { tempDir } from '../testing/temp'

const dir = tempDir('slope-streamed-predict-')

/** 200,000 rows: two numeric features with awkward decimals, a text column, a few empty cells. */
function writeRows(path: string, rows: number): void {
  const lines = ['x1,x2,region,y']
  let s = 12345
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  for (let i = 0; i < rows; i++) {
    const x1 = (next() * 100 - 50).toFixed(6)
    const x2 = i % 9973 === 0 ? '' : (next() * 3).toPrecision(9)
    const region = ['EU', 'US', 'ASIA'][i % 3]!
    lines.push(`${x1},${x2},${region},${(Number(x1) * 0.7 - Number(x2 || 0) * 2 + next()).toFixed(5)}`)
  }
  writeFileSync(path, `${lines.join('\n')}\n`)
}

async function readParquet(path: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  try {
    return (await c.runAndReadAll(`SELECT * FROM read_parquet('${path}') ORDER BY "row"`)).getRows()
  } finally {
    c.closeSync()
    db.closeSync()
  }
}

describe('slope predict over a linked file', () => {
  const data = join(dir, 'rows.csv')
  const model = join(dir, 'model.json')
  const formulaModel = join(dir, 'formula.json')

  it('streams the same CSV, byte for byte, as the in-memory prediction (intervals, one-hot, empty cells)', async () => {
    writeRows(data, 200_000)
    const train = await runCli(['train', data, '--target', 'y', '--features', 'x1,x2', '--one-hot', 'region', '--solver', 'lstsq', '--missing', 'drop', '--no-db', '--out', model])
    expect(train.code, train.stderr).toBe(0)
    const memory = await runCli(['predict', model, data, '--import', '--interval', 'prediction', '--out', join(dir, 'memory.csv')])
    expect((await runCli(['predict', model, data, '--import', '--out', join(dir, 'memory-plain.csv')])).code).toBe(0)
    expect(memory.code, memory.stderr).toBe(0)
    const linked = await runCli(['predict', model, data, '--link', '--interval', 'prediction', '--out', join(dir, 'linked.csv')])
    expect(linked.code, linked.stderr).toBe(0)
    expect(linked.stderr).toMatch(/^linked \(--link\): .*rows\.csv is read in place through DuckDB, in chunks\n/)
    const a = readFileSync(join(dir, 'memory.csv'))
    const b = readFileSync(join(dir, 'linked.csv'))
    expect(a.length).toBeGreaterThan(200_000 * 40)
    expect(b.equals(a)).toBe(true)
    // The notes (counts and metrics) agree too.
    expect(linked.stderr.replace('linked.csv', 'memory.csv').split('\n').slice(1)).toEqual(memory.stderr.split('\n'))
  }, 120_000)

  it('a formula model streamed gives the in-memory CSV; Parquet output holds the same values', async () => {
    const train = await runCli(['train', data, '--formula', 'y ~ x1 + region + x1:region', '--solver', 'lstsq', '--missing', 'drop', '--no-db', '--out', formulaModel])
    expect(train.code, train.stderr).toBe(0)
    const memory = await runCli(['predict', formulaModel, data, '--import', '--out', join(dir, 'formula-memory.csv')])
    expect(memory.code, memory.stderr).toBe(0)
    const linked = await runCli(['predict', formulaModel, data, '--link', '--out', join(dir, 'formula-linked.csv')])
    expect(linked.code, linked.stderr).toBe(0)
    expect(readFileSync(join(dir, 'formula-linked.csv')).equals(readFileSync(join(dir, 'formula-memory.csv')))).toBe(true)

    const pq = await runCli(['predict', model, data, '--link', '--out', join(dir, 'linked.parquet')])
    expect(pq.code, pq.stderr).toBe(0)
    const csvLines = readFileSync(join(dir, 'memory.csv'), 'utf8').trimEnd().split('\n')
    const header = csvLines[0]!.split(',')
    const rows = await readParquet(join(dir, 'linked.parquet'))
    expect(rows.length).toBe(200_000)
    // memory.csv has intervals, this Parquet file does not: compare the shared leading columns.
    const shared = header.indexOf('predicted_y') + 1
    for (const i of [0, 1, 9973, 123_456, 199_999]) {
      const cells = csvLines[i + 1]!.split(',').slice(0, shared)
      const values = rows[i]!.slice(0, shared).map((v) => (v === null ? '' : String(Number(v))))
      expect(values).toEqual(cells)
    }
  }, 120_000)

  it('links by itself over the link threshold (SLOPE_LINK_THRESHOLD_BYTES), and --import overrides it', async () => {
    const small = { SLOPE_LINK_THRESHOLD_BYTES: '1000000' } // rows.csv is about 8 MB
    const auto = await runCli(['predict', model, data, '--out', join(dir, 'auto.csv')], { env: small })
    expect(auto.code, auto.stderr).toBe(0)
    expect(auto.stderr).toMatch(/^linked \([\d.]+ MB, over the 1 MB link threshold; --import reads it into memory\): .*rows\.csv is read in place/)
    expect(readFileSync(join(dir, 'auto.csv')).equals(readFileSync(join(dir, 'memory-plain.csv')))).toBe(true)
    const forced = await runCli(['predict', model, data, '--import', '--out', join(dir, 'forced.csv')], { env: small })
    expect(forced.code, forced.stderr).toBe(0)
    expect(forced.stderr).toMatch(/^imported \(--import\): .*rows\.csv is read into memory although it is over the 1 MB link threshold\n/)
    // Under the default threshold nothing is said and nothing is linked.
    const plain = await runCli(['predict', model, data, '--out', join(dir, 'plain.csv')])
    expect(plain.stderr).toMatch(/^predicted 199979 of 200000 rows/)

    const train = await runCli(['train', data, '--target', 'y', '--features', 'x1', '--solver', 'lstsq', '--no-db'], { env: small })
    expect(train.code, train.stderr).toBe(0)
    expect(train.stderr).toMatch(/^linked \([\d.]+ MB, over the 1 MB link threshold; --import reads it into memory\)/)
    expect(train.stdout).toContain('streamed from 1 linked file) on 200,000 rows')
    const imported = await runCli(['train', data, '--target', 'y', '--features', 'x1', '--solver', 'lstsq', '--no-db', '--import'], { env: small })
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stderr).toMatch(/^imported \(--import\)/)
    expect(imported.stdout).not.toContain('linked file')
    // The same fit either way (the figures printed to 7 digits).
    const slope = (text: string) => /\nx1\s+(\S+)\s+(\S+)/.exec(text)?.slice(1)
    expect(slope(train.stdout)).toEqual(slope(imported.stdout))
    expect(slope(train.stdout)).toBeDefined()
  }, 120_000)
})
