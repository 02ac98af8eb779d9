/**
 * Import throughput: `slope inspect` of a generated 1,000,000 × 9 numeric CSV (~100 MB), whole
 * process, against pandas' read_csv + describe() on the same file (whole python process), plus
 * the import alone with and without the numeric fast path, and peak memory against the size of
 * the numeric data (rows × columns × 8 bytes).
 *
 *   npx tsx bench/suites/import.ts [--quick]      (also discovered by npm run bench)
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Random } from '../../src-core/random'
import { systemPython } from '../../src-core/testing/python'
import type { BenchContext, BenchRow, BenchSuite } from '../bench-suite'
import { ensureCliBuilt } from '../../scripts/build-cli.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))
const COLUMNS = 9

/** Values like a measurement export: ±1000 with 6 decimals, ~11.4 bytes a cell. */
function writeCsv(path: string, rows: number): void {
  const rng = new Random(20241125)
  const header = Array.from({ length: COLUMNS }, (_, j) => `x${j + 1}`).join(',')
  const parts: string[] = [`${header}\n`]
  let block = ''
  for (let i = 0; i < rows; i++) {
    let line = ''
    for (let j = 0; j < COLUMNS; j++) line += (j ? ',' : '') + ((rng.nextFloat() - 0.5) * 2000).toFixed(6)
    block += `${line}\n`
    if (block.length > 1 << 20) {
      parts.push(block)
      block = ''
    }
  }
  parts.push(block)
  writeFileSync(path, parts.join(''))
}

function timed(command: string, args: string[]): { ms: number; stdout: string } {
  const t0 = performance.now()
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`)
  return { ms, stdout: r.stdout }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Median and range of repeated timings, with the range as a fraction of the median. */
function spread(xs: number[]): { median: number; min: number; max: number; spread: number; runs: number[] } {
  const m = median(xs)
  const min = Math.min(...xs)
  const max = Math.max(...xs)
  return { median: m, min, max, spread: (max - min) / m, runs: xs.map((x) => Math.round(x)) }
}

const PANDAS = `
import resource, sys, pandas as pd
df = pd.read_csv(sys.argv[1])
d = df.describe()
print(float(d.iloc[1, 0]), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
`

const suite: BenchSuite = {
  name: 'import',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows = ctx.quick ? 100_000 : 1_000_000
    const repetitions = ctx.quick ? 3 : 7
    const dir = mkdtempSync(join(tmpdir(), 'slope-bench-import-'))
    const file = join(dir, `numeric-${rows}x${COLUMNS}.csv`)
    try {
      writeCsv(file, rows)
      const bytes = statSync(file).size
      const numericBytes = rows * COLUMNS * 8
      ctx.log(`import: ${rows.toLocaleString('en-US')} × ${COLUMNS} CSV, ${(bytes / 1e6).toFixed(1)} MB`)
      const slope = join(root, 'bin/slope.mjs')
      await ensureCliBuilt()

      // Whole-process runs of both, interleaved (Slope, pandas, Slope, …) after one untimed run of
      // each (page cache, Python's .pyc files): a burst of load from elsewhere then hits both sides
      // alike. One run per side gave 0.48× and 0.68× on the same day — pandas alone varies ±25 %
      // between runs here — so the ratio is the median of the per-pair ratios, with its range.
      const pandasAvailable = spawnSync(systemPython, ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0
      const pandasNote = pandasAvailable ? '' : `pandas skipped: ${systemPython} cannot import pandas (apt-get install python3-pandas)`
      if (pandasNote) ctx.log(pandasNote)
      const inspect = () => timed(process.execPath, [slope, 'inspect', file, '--json'])
      const pandas = () => timed(systemPython, ['-c', PANDAS, file])
      inspect()
      if (pandasAvailable) pandas()
      const slopeRuns: number[] = []
      const pandasRuns: number[] = []
      let pandasPeak: number | null = null
      for (let k = 0; k < repetitions; k++) {
        slopeRuns.push(inspect().ms)
        if (pandasAvailable) {
          const p = pandas()
          pandasRuns.push(p.ms)
          pandasPeak ??= Number(p.stdout.trim().split(' ')[1])
        }
      }
      const slopeTimes = spread(slopeRuns)
      const pandasTimes = pandasAvailable ? spread(pandasRuns) : null
      const pairRatios = pandasAvailable ? spread(slopeRuns.map((ms, k) => ms / pandasRuns[k]!)) : null
      const inspectMs = slopeTimes.median
      const pandasMs = pandasTimes?.median ?? null
      const range = (t: { min: number; max: number; spread: number }, digits = 0) => `${t.min.toFixed(digits)}–${t.max.toFixed(digits)}`
      ctx.log(`slope inspect ms: ${slopeTimes.runs.join(', ')}; pandas ms: ${pandasTimes?.runs.join(', ') ?? '—'}`)

      const probeRun = (mode: string) => JSON.parse(timed(process.execPath, ['--import', 'tsx/esm', 'bench/import-probe.ts', file, mode]).stdout) as {
        ms: number
        baselineRss: number
        peakRss: number
        fastPath: boolean
      }
      const fast = Array.from({ length: 3 }, () => probeRun('fast'))
      const general = probeRun('general')
      const fastMs = median(fast.map((p) => p.ms))
      // Peak RSS varies by a few MB from run to run (when the collector happens to run): the median run's.
      const memory = [...fast].sort((a, b) => a.peakRss - a.baselineRss - (b.peakRss - b.baselineRss))[1]!
      const memoryRatio = (memory.peakRss - memory.baselineRss) / numericBytes
      const ratio = (a: number, b: number | null) => (b ? a / b : null)
      const mbps = (ms: number) => Math.round(bytes / 1e6 / (ms / 1000))

      const out: BenchRow[] = [
        {
          suite: 'import',
          case: `slope inspect (whole process), ${rows} × ${COLUMNS} CSV`,
          ms: inspectMs,
          baselines: { 'pandas read_csv+describe (whole process)': pandasMs },
          ratios: { 'pandas read_csv+describe (whole process)': ratio(inspectMs, pandasMs) },
          notes:
            pandasNote ||
            `median of ${repetitions} interleaved runs each; per-pair ratio ${pairRatios!.median.toFixed(2)} (${range(pairRatios!, 2)}); Slope ${range(slopeTimes)} ms (spread ${(slopeTimes.spread * 100).toFixed(0)} %), pandas ${range(pandasTimes!)} ms (spread ${(pandasTimes!.spread * 100).toFixed(0)} %)`,
          extra: { bytes, rows, columns: COLUMNS, slopeRunsMs: slopeTimes.runs, pandasRunsMs: pandasTimes?.runs ?? null, pairRatio: pairRatios?.median ?? null, pairRatioMin: pairRatios?.min ?? null, pairRatioMax: pairRatios?.max ?? null },
        },
        {
          suite: 'import',
          case: 'import alone: numeric fast path vs general parser (papaparse)',
          ms: fastMs,
          baselines: { 'general parser': general.ms },
          ratios: { 'general parser': fastMs / general.ms },
          notes: `fast path ${mbps(fastMs)} MB/s, general ${mbps(general.ms)} MB/s`,
          extra: { fastPathUsed: memory.fastPath, generalPeakRss: general.peakRss - general.baselineRss },
        },
        {
          suite: 'import',
          case: 'peak memory of the import vs the numeric data',
          ms: fastMs,
          baselines: {},
          ratios: {},
          notes: `peak RSS − RSS before the import = ${((memory.peakRss - memory.baselineRss) / 1e6).toFixed(0)} MB = ${memoryRatio.toFixed(2)}× the ${(numericBytes / 1e6).toFixed(0)} MB of numbers${pandasPeak ? `; pandas' whole-process peak RSS ${(pandasPeak / 1e6).toFixed(0)} MB` : ''}`,
          extra: { peakRss: memory.peakRss, baselineRss: memory.baselineRss, numericBytes, memoryRatio, pandasPeakRss: pandasPeak },
        },
      ]
      return out
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

export default suite

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await suite.run({ quick: process.argv.includes('--quick'), log: (line) => process.stderr.write(`${line}\n`) })
  for (const r of rows) {
    const ratios = Object.entries(r.ratios).map(([k, v]) => `${v === null ? 'n/a' : v.toFixed(2)}× ${k}`)
    process.stdout.write(`${r.case}: ${r.ms.toFixed(0)} ms${ratios.length ? ` (${ratios.join(', ')})` : ''}${r.notes ? ` — ${r.notes}` : ''}\n`)
  }
  process.stdout.write(`${JSON.stringify(rows)}\n`)
}
