/**
 * `npm run bench [-- --quick] [-- --suite NAME]`: runs every suite default-exported from
 * bench/suites/*.ts (found by listing the folder: a new suite needs no edit here), prints one table
 * and writes bench/results/latest.json (git-ignored).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'
import type { BenchRow, BenchSuite } from './bench-suite'
import { fmtMs, fmtRatio, goalsText, type BenchResult } from './readme-tables'

const here = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args.flatMap((a, i) => (a === '--suite' ? [args[i + 1]!] : a.startsWith('--suite=') ? [a.slice(8)] : []))

function isSuite(value: unknown): value is BenchSuite {
  return typeof value === 'object' && value !== null && typeof (value as BenchSuite).name === 'string' && typeof (value as BenchSuite).run === 'function'
}

async function discover(): Promise<BenchSuite[]> {
  const dir = join(here, 'suites')
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts')).sort()
  const suites: BenchSuite[] = []
  for (const f of files) {
    const module = (await import(pathToFileURL(join(dir, f)).href)) as { default?: unknown }
    if (isSuite(module.default)) suites.push(module.default)
    else console.warn(`bench/suites/${f}: no default-exported BenchSuite, skipped`)
  }
  return suites
}

/** A plain-text table: suite, case, Slope's median, then each baseline as "ms (ratio ×)". */
export function formatTable(rows: BenchRow[]): string {
  const header = ['suite', 'case', 'Slope ms', 'baselines: ms (Slope/baseline)', 'notes']
  const lines = rows.map((r) => [
    r.suite,
    r.case,
    fmtMs(r.ms),
    Object.keys(r.baselines).map((k) => `${k} ${fmtMs(r.baselines[k])} (${fmtRatio(r.ratios[k])}×)`).join(', '),
    r.notes ?? '',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n')
}

async function main(): Promise<void> {
  const suites = (await discover()).filter((s) => only.length === 0 || only.includes(s.name))
  const rows: BenchRow[] = []
  const started = new Date()
  const loadAtStart = loadavg()[0]!
  for (const suite of suites) {
    console.log(`\n▶ ${suite.name}${quick ? ' (quick)' : ''}`)
    try {
      const suiteRows = await suite.run({ quick, log: (line) => console.log(`  ${line}`) })
      rows.push(...suiteRows)
      console.log(formatTable(suiteRows))
    } catch (e) {
      console.error(`suite ${suite.name} failed: ${(e as Error).stack ?? e}`)
      process.exitCode = 1
    }
  }
  console.log(`\n${formatTable(rows)}`)
  console.log(`\nGoals (bench/goals.ts):\n${goalsText(rows)}`)
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform }
  const result: BenchResult = { started: started.toISOString(), quick, machine, rows, load: { start: loadAtStart, end: loadavg()[0]! } }
  const out = join(here, 'results')
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'latest.json'), JSON.stringify(result, null, 2))
  console.log(`\nwrote bench/results/latest.json (${rows.length} rows); npm run bench:readme writes its tables into README`)
}

await main()
