import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { LinkedSource } from '../../src-main/linked/linked-source'
import { streamedLeastSquares } from '../../src-main/linked/streamed-least-squares'
import type { BenchContext, BenchRow, BenchSuite } from '../bench-suite'

/**
 * Linked data at scale: a generated CSV and Parquet file of `--rows N` rows × 9 columns (8
 * features and y; default 10 M, 500,000 with --quick, `--rows 100000000` for the big case), the
 * streamed exact least squares (two passes through DuckDB) against DuckDB's own scan of the same
 * columns (`SELECT sum(…)`, the floor for any reader) and numpy's in-memory lstsq on the CSV read
 * by pandas (only up to 20 M rows, where it fits; the read is not timed). Peak RSS is this process's.
 */
function rowsOption(quick: boolean): number {
  const args = process.argv
  const i = args.indexOf('--rows')
  const given = i >= 0 ? Number(args[i + 1]) : NaN
  return Number.isFinite(given) && given > 0 ? Math.floor(given) : quick ? 500_000 : 10_000_000
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const n = rowsOption(ctx.quick)
  const dir = mkdtempSync(join(tmpdir(), 'slope-bench-scale-'))
  const rows: BenchRow[] = []
  try {
    const db = await DuckDBInstance.create(':memory:')
    const c = await db.connect()
    const features = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    const gen = `SELECT ${features.map((f) => `round(random() * 10 - 5, 4) AS ${f}`).join(', ')} FROM range(${n})`
    const y = `${features.map((f, j) => `${j + 1} * ${f}`).join(' + ')} + random()`
    await c.run('SELECT setseed(0.5)')
    await c.run(`CREATE TABLE t AS SELECT *, round(${y}, 4) AS y FROM (${gen})`)
    const csv = join(dir, 'scale.csv')
    const parquet = join(dir, 'scale.parquet')
    await c.run(`COPY t TO '${csv}' (HEADER)`)
    await c.run(`COPY t TO '${parquet}' (FORMAT parquet)`)
    await c.run('DROP TABLE t')
    for (const [format, path] of [['CSV', csv], ['Parquet', parquet]] as const) {
      const mb = statSync(path).size / 1e6
      ctx.log(`${format}: ${n.toLocaleString('en-US')} rows, ${mb.toFixed(0)} MB`)
      const source = await LinkedSource.open(path)
      const t0 = performance.now()
      await streamedLeastSquares({ source, features, response: 'y', intercept: true })
      const ms = performance.now() - t0
      source.close()
      const t1 = performance.now()
      const read = path.endsWith('.csv') ? `read_csv('${path}')` : `read_parquet('${path}')`
      await c.runAndReadAll(`SELECT ${[...features, 'y'].map((f) => `sum(${f})`).join(', ')} FROM ${read}`)
      const duckMs = performance.now() - t1
      let numpyMs: number | null = null
      let note = ''
      if (format === 'CSV' && n <= 20_000_000) {
        try {
          const script = `import time, numpy as np, pandas as pd\nd = pd.read_csv(${JSON.stringify(path)}).to_numpy()\nX = np.column_stack([np.ones(len(d)), d[:, :8]])\nt = time.perf_counter(); np.linalg.lstsq(X, d[:, 8], rcond=None); print((time.perf_counter() - t) * 1000)`
          numpyMs = Number(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }).trim())
        } catch (e) {
          note = `numpy skipped: ${(e as Error).message.split('\n')[0]}`
        }
      }
      const baselines: Record<string, number | null> = { 'DuckDB sum scan (1 pass)': duckMs, ...(format === 'CSV' ? { 'numpy lstsq in memory': numpyMs } : {}) }
      rows.push({
        suite: 'scale',
        case: `${format} ${n.toLocaleString('en-US')}×9 (${mb.toFixed(0)} MB), linked exact lstsq (2 passes)`,
        ms,
        baselines,
        ratios: Object.fromEntries(Object.entries(baselines).map(([k, v]) => [k, v ? ms / v : null])),
        notes: [note, `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`].filter(Boolean).join('; '),
        extra: { rows: n, megabytes: mb, maxRssKb: process.resourceUsage().maxRSS },
      })
    }
    c.closeSync()
    db.closeSync()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

const suite: BenchSuite = { name: 'scale', run }
export default suite
