import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import { leastSquares, type LeastSquaresFit } from '../../src-core/model/least-squares'
import { LinkedSource } from '../../src-main/linked/linked-source'
import { findLinkedDataset } from '../../src-main/linked/linked-store'
import { streamedLeastSquares } from '../../src-main/linked/streamed-least-squares'
import { openDatabase } from '../../src-main/services/database'
import { medianMs, type BenchContext, type BenchRow, type BenchSuite } from '../bench-suite'

/**
 * Linked data at scale (issue #17): a generated CSV and Parquet file of `--rows N` rows × 9 columns
 * (8 features and y; default 10 M, 500,000 with --quick, `--rows 100000000` for the big case; under
 * `--dir` or the system temp folder, deleted after). Per format, against DuckDB's own scan of the
 * same columns (`SELECT sum(…)`, the floor for any reader) in the same run:
 * - the linked scan alone (LinkedSource.scan of the 9 columns as doubles, the link's count known);
 * - `slope train FILE --link` (the exact fit) and `--solver gd --epochs 10 --batch-size full`, each
 *   run as a child process of the built CLI (`/usr/bin/time` gives its peak RSS, so this process's
 *   own DuckDB, which generated the data, does not count); the fit's time is the one it prints;
 * - numpy's in-memory lstsq on the CSV read by pandas (up to 20 M rows, where it fits; the read is
 *   not timed);
 * - on the first 1 M rows: the linked fit against the in-memory fit (src-core least squares) of the
 *   same values, the largest relative difference printed (goal ≤ 1e-12).
 * Every figure is logged as it is measured, so a long run that is stopped keeps what it had.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))
const features = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
const columns = [...features, 'y']

function numberOption(name: string): number | null {
  const i = process.argv.indexOf(name)
  const given = i >= 0 ? Number(process.argv[i + 1]) : NaN
  return Number.isFinite(given) && given > 0 ? Math.floor(given) : null
}

function dirOption(): string | null {
  const i = process.argv.indexOf('--dir')
  return i >= 0 ? process.argv[i + 1] ?? null : null
}

/**
 * Features from a hash of (row, column): the same values whatever DuckDB's thread count (random()
 * is not), so CSV and Parquet are written from the same query without a table in memory.
 */
function generatedQuery(n: number): string {
  const feature = (f: string, j: number) => `round((hash(i * 16 + ${j}) % 1000000) / 100000.0 - 5, 4) AS ${f}`
  const y = `${features.map((f, j) => `${j + 1} * ${f}`).join(' + ')} + (hash(i * 16 + 15) % 1000000) / 1000000.0`
  return `SELECT ${features.join(', ')}, round(${y}, 4) AS y FROM (SELECT ${features.map(feature).join(', ')}, i FROM range(${n}) t(i))`
}

interface ChildRun {
  /** The time the command printed for its fit ("… in N ms"). */
  ms: number
  wallMs: number
  maxRssKb: number
  stdout: string
}

/** The built `slope` command as a child, under /usr/bin/time for its peak RSS. */
function slope(args: string[]): ChildRun {
  const t0 = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', process.execPath, join(root, 'bin/slope.mjs'), ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
  const wallMs = performance.now() - t0
  const rss = /maxrss (\d+)/.exec(r.stderr)
  const ms = /in (\d+) ms/.exec(r.stdout)
  if (r.status !== 0 || !rss || !ms) throw new Error(`slope ${args.join(' ')} failed (${r.status}): ${r.stderr.split('\n').filter((l) => l.startsWith('error')).join(' ') || r.stderr.slice(-400)}`)
  return { ms: Number(ms[1]), wallMs, maxRssKb: Number(rss[1]), stdout: r.stdout }
}

async function sumScanMs(c: DuckDBConnection, path: string, repetitions: number): Promise<number> {
  const read = path.endsWith('.csv') ? `read_csv('${path}')` : `read_parquet('${path}')`
  return medianMs(() => c.runAndReadAll(`SELECT ${columns.map((f) => `sum(${f})`).join(', ')} FROM ${read}`), repetitions, 0)
}

/** Largest relative difference over coefficients, standard errors, RSS, R² and F. */
function largestRelativeDifference(a: LeastSquaresFit, b: LeastSquaresFit): number {
  const pairs: [number, number][] = [[a.intercept, b.intercept], [a.rss, b.rss], [a.r2, b.r2], [a.f, b.f]]
  a.weights.forEach((w, j) => pairs.push([w, b.weights[j]!], [a.coefficients[j]!.stdError, b.coefficients[j]!.stdError]))
  return Math.max(...pairs.map(([x, y]) => Math.abs(x - y) / Math.max(Math.abs(y), 1e-300)))
}

async function subsetEquality(path: string, rows: number): Promise<number> {
  const source = await LinkedSource.open(path)
  try {
    const X = new Float64Array(rows * features.length)
    const y = new Float64Array(rows)
    const where = undefined
    let at = 0
    for await (const chunk of source.scan(columns, { where })) {
      const take = Math.min(chunk.rows, rows - at)
      for (let i = 0; i < take; i++) {
        for (let j = 0; j < features.length; j++) X[(at + i) * features.length + j] = chunk.columns[j]![i]!
        y[at + i] = chunk.columns[features.length]![i]!
      }
      at += take
      if (at === rows) break
    }
    const memory = leastSquares({ X, y, features, intercept: true })
    // The same first rows, linked: a Parquet/CSV of them written by DuckDB in file order.
    const subset = path.replace(/(\.\w+)$/, `-first${rows}$1`)
    const instance = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' })
    const c = await instance.connect()
    const read = path.endsWith('.csv') ? `read_csv('${path}')` : `read_parquet('${path}')`
    await c.run(`COPY (SELECT * FROM ${read} LIMIT ${rows}) TO '${subset}' ${path.endsWith('.csv') ? '(HEADER)' : '(FORMAT parquet)'}`)
    c.closeSync()
    instance.closeSync()
    const linkedSubset = await LinkedSource.open(subset)
    try {
      return largestRelativeDifference(await streamedLeastSquares({ source: linkedSubset, features, response: 'y', intercept: true }), memory)
    } finally {
      linkedSubset.close()
      rmSync(subset, { force: true })
    }
  } finally {
    source.close()
  }
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const n = numberOption('--rows') ?? (ctx.quick ? 500_000 : 10_000_000)
  const repetitions = n <= 2_000_000 ? 3 : 1
  const dir = mkdtempSync(join(dirOption() ?? (process.env.TMPDIR || '/tmp'), 'slope-bench-scale-'))
  const rows: BenchRow[] = []
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`
  try {
    const db = await DuckDBInstance.create(':memory:')
    const c = await db.connect()
    const csv = join(dir, 'scale.csv')
    const parquet = join(dir, 'scale.parquet')
    const t0 = performance.now()
    await c.run(`COPY (${generatedQuery(n)}) TO '${parquet}' (FORMAT parquet)`)
    await c.run(`COPY (SELECT * FROM read_parquet('${parquet}')) TO '${csv}' (HEADER)`)
    ctx.log(`generated ${n.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
    for (const [format, path] of [['Parquet', parquet], ['CSV', csv]] as const) {
      const size = statSync(path).size / 1e6
      const label = `${format} ${n.toLocaleString('en-US')}×9 (${size.toFixed(0)} MB)`
      ctx.log(`${label}:`)
      const linkDb = join(dir, `${format}.sqlite`)
      const duckMs = await sumScanMs(c, path, repetitions)
      ctx.log(`  DuckDB sum scan: ${duckMs.toFixed(0)} ms`)

      // The exact fit; its first run links the file (the statistics pass, not in its printed time).
      const exactArgs = ['train', path, '--link', '--target', 'y', '--db', linkDb]
      const first = slope(exactArgs)
      const exact = repetitions > 1 ? [first, ...Array.from({ length: repetitions - 1 }, () => slope(exactArgs))].sort((a, b) => a.ms - b.ms)[repetitions >> 1]! : first
      ctx.log(`  linked exact lstsq: ${exact.ms} ms (${(exact.ms / duckMs).toFixed(2)}× the scan), peak RSS ${mb(exact.maxRssKb)}; first run with the link ${(first.wallMs / 1000).toFixed(1)} s wall`)

      // The scan alone, with the link's count (as the fit's scans have it).
      const handle = openDatabase(linkDb)
      const linked = findLinkedDataset(handle, path)!
      handle.close()
      const source = await LinkedSource.open(path, { rowCount: { files: linked.files, rows: linked.rowCount } })
      const scanMs = await medianMs(async () => {
        for await (const _ of source.scan(columns)) { /* read only */ }
      }, repetitions, 0)
      source.close()
      ctx.log(`  linked scan alone: ${scanMs.toFixed(0)} ms (${(scanMs / duckMs).toFixed(2)}× the scan)`)

      const gd = slope(['train', path, '--link', '--target', 'y', '--db', linkDb, '--solver', 'gd', '--epochs', '10', '--batch-size', 'full', '--validation', '0'])
      ctx.log(`  linked GD, 10 full-batch epochs: ${gd.ms} ms (${(gd.ms / (10 * duckMs)).toFixed(2)}× 10 scans), peak RSS ${mb(gd.maxRssKb)}`)

      let numpyMs: number | null = null
      let note = ''
      if (format === 'CSV' && n <= 20_000_000) {
        try {
          const script = `import time, numpy as np, pandas as pd\nd = pd.read_csv(${JSON.stringify(path)}).to_numpy()\nX = np.column_stack([np.ones(len(d)), d[:, :8]])\nt = time.perf_counter(); np.linalg.lstsq(X, d[:, 8], rcond=None); print((time.perf_counter() - t) * 1000)`
          numpyMs = Number(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }).trim())
          ctx.log(`  numpy lstsq in memory: ${numpyMs.toFixed(0)} ms`)
        } catch (e) {
          note = `numpy skipped: ${(e as Error).message.split('\n')[0]}`
        }
      } else if (format === 'CSV') note = 'numpy skipped: over 20 M rows the in-memory copy does not fit beside the others'
      const subsetRows = Math.min(n, 1_000_000)
      const difference = await subsetEquality(path, subsetRows)
      ctx.log(`  first ${subsetRows.toLocaleString('en-US')} rows, linked vs in-memory fit: largest relative difference ${difference.toExponential(2)}`)

      const row = (what: string, ms: number, baselines: Record<string, number | null>, notes: string[], extra: Record<string, unknown>): BenchRow => ({
        suite: 'scale',
        case: `${label}, ${what}`,
        ms,
        baselines,
        ratios: Object.fromEntries(Object.entries(baselines).map(([k, v]) => [k, v ? ms / v : null])),
        notes: notes.filter(Boolean).join('; '),
        extra: { rows: n, megabytes: size, ...extra },
      })
      rows.push(
        row('linked exact lstsq', exact.ms, { 'DuckDB sum scan (1 pass)': duckMs, ...(format === 'CSV' ? { 'numpy lstsq in memory': numpyMs } : {}) }, [note, `peak RSS ${mb(exact.maxRssKb)} (child)`, `1M-row subset vs in-memory ${difference.toExponential(1)}`], { maxRssKb: exact.maxRssKb, subsetRelativeDifference: difference }),
        row('linked scan alone', scanMs, { 'DuckDB sum scan (1 pass)': duckMs }, [], {}),
        row('linked GD, 10 full-batch epochs', gd.ms, { 'DuckDB sum scan × 10': 10 * duckMs }, [`peak RSS ${mb(gd.maxRssKb)} (child)`], { maxRssKb: gd.maxRssKb }),
      )
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
