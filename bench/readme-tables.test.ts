import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import type { BenchRow } from './bench-suite'
import { goals, goalStatuses } from './goals'
import { goalsMarkdown, readmeWithTables, rowsMarkdown, splice, type BenchResult } from './readme-tables'

const cliRow = (name: string, overFloorMs: number): BenchRow => ({ suite: 'cli', case: name, ms: 70 + overFloorMs, baselines: { 'node -e 0': 70 }, ratios: { 'node -e 0': (70 + overFloorMs) / 70 }, extra: { overFloorMs } })
const lstsqRow = (label: string, slopeMs: number, numpyMs: number | null): BenchRow => ({
  suite: 'least squares',
  case: `${label} f64 with intercept (ms per fit)`,
  ms: slopeMs,
  baselines: { 'numpy lstsq': numpyMs },
  ratios: { 'numpy lstsq': numpyMs === null ? null : slopeMs / numpyMs },
})
const statusOf = (rows: BenchRow[], text: string) => goalStatuses(rows).find((s) => s.goal.goal.includes(text))!

describe('bench goals: one run’s rows against every issue’s limits', () => {
  it('judges each goal by its own row and figure: a margin over the floor, a ratio to a baseline', () => {
    const rows = [cliRow('slope --help', 39.6), cliRow('slope train tutorial --no-db', 121), lstsqRow('100k×16', 30, 20), lstsqRow('1M×32', 1000, 1000)]
    expect(statusOf(rows, '`slope --help`')).toMatchObject({ figure: 39.6, met: true })
    expect(statusOf(rows, '--no-db')).toMatchObject({ figure: 121, met: false })
    expect(statusOf(rows, '100k×16 ≤ 1.5×')).toMatchObject({ figure: 1.5, met: true }) // at the limit is met
    expect(statusOf(rows, '1M×32 ≤ 1.0×')).toMatchObject({ figure: 1, met: true })
    // A row not in the run, and a baseline the run skipped, are "not measured" — never met.
    expect(statusOf(rows, 'saving to the database')).toMatchObject({ figure: null, met: null })
    expect(statusOf([lstsqRow('100k×16', 30, null)], '100k×16 ≤ 1.5×')).toMatchObject({ figure: null, met: null })
  })

  it('tells the scale suite’s three rows per format apart, and reads peak memory in kB', () => {
    const scale = (what: string, ms: number, extra: Record<string, number>): BenchRow => ({ suite: 'scale', case: `Parquet 10,000,000×9 (400 MB), ${what}`, ms, baselines: { 'DuckDB sum scan (1 pass)': 100 }, ratios: { 'DuckDB sum scan (1 pass)': ms / 100 }, extra })
    const rows = [scale('linked exact lstsq', 1300, { maxRssKb: 600 * 1024, subsetRelativeDifference: 3e-14 }), scale('linked scan alone', 700, {}), scale('linked GD, 10 full-batch epochs', 9000, { maxRssKb: 1300 * 1024 })]
    expect(statusOf(rows, 'Parquet: linked exact least squares')).toMatchObject({ figure: 13, met: false })
    expect(statusOf(rows, 'Parquet: peak RSS of the linked exact fit')).toMatchObject({ figure: 600 * 1024, met: true })
    expect(statusOf(rows, 'Parquet: peak RSS of 10 linked')).toMatchObject({ figure: 1300 * 1024, met: false })
    expect(statusOf(rows, 'Parquet: linked fit of the first 1 M rows')).toMatchObject({ figure: 3e-14, met: true })
    expect(statusOf(rows, 'CSV: linked exact least squares').met).toBeNull()
  })

  it('writes the goals table with the cause beside each goal not met, and none beside one met', () => {
    const md = goalsMarkdown(goalStatuses([cliRow('slope --help', 15), cliRow('slope train tutorial --no-db', 145)]))
    const help = md.split('\n').find((l) => l.includes('`slope --help`'))!
    const noDb = md.split('\n').find((l) => l.includes('--no-db'))!
    expect(help).toBe('| #16 | `slope --help` ≤ `node -e 0` + 40 ms | +15 ms | met |  |')
    expect(noDb).toContain('| +145 ms | not met | Measured with --cpu-prof')
    expect(md.split('\n')).toHaveLength(2 + goals.length)
  })

  it('writes every row of the run, escaping a pipe in a note, with each baseline’s ratio', () => {
    const md = rowsMarkdown([{ suite: 'import', case: 'a | b', ms: 964.4, baselines: { pandas: 2423 }, ratios: { pandas: 964.4 / 2423 }, notes: 'n' }])
    expect(md.split('\n')[2]).toBe('| import | a \\| b | 964 | pandas 2,423 (0.40×) | n |')
  })

  it('splices between the markers only, and refuses a README without them', () => {
    expect(splice('a\n<!-- bench:goals -->\nold\n<!-- /bench:goals -->\nb', 'goals', 'new')).toBe('a\n<!-- bench:goals -->\nnew\n<!-- /bench:goals -->\nb')
    expect(() => splice('no markers', 'rows', 'x')).toThrow('README has no <!-- bench:rows --> … <!-- /bench:rows --> section')
  })

  it('README carries both generated sections, so `npm run bench:readme` can rewrite them', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const result: BenchResult = { started: '2026-12-02T21:00:00.000Z', quick: false, machine: { cpu: 'x', cores: 2, memoryGiB: 24, node: 'v20', platform: 'linux' }, rows: [cliRow('slope --help', 15)] }
    const written = readmeWithTables(readme, result)
    expect(written).toContain('One `npm run bench` run, 2026-12-02 21:00 UTC: 2 cores (x), 24 GiB, Node 20.')
    expect(readmeWithTables(written, result)).toBe(written) // rewriting is idempotent: nothing outside the markers moves
  })
})
