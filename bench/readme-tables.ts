import type { BenchRow } from './bench-suite'
import { goalStatuses, type GoalStatus } from './goals'

/**
 * README's performance tables, written from one run's bench/results/latest.json
 * (`npm run bench:readme`) between marker comments, so every figure there comes from the same run
 * with its baselines — none is copied by hand or left over from an older run.
 */

export interface BenchResult {
  started: string
  quick: boolean
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; platform: string }
  rows: BenchRow[]
  /** Load average (1 min) at the run's start and end, where the run recorded it. */
  load?: { start: number; end: number }
}

export const fmtMs = (ms: number | null | undefined): string =>
  ms == null ? '—' : ms >= 100 ? Math.round(ms).toLocaleString('en-US') : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(3)
export const fmtRatio = (r: number | null | undefined): string => (r == null ? '—' : r >= 10 ? r.toFixed(1) : r.toFixed(2))

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** What the run was: when, on what, how loaded — the heading of both tables. */
export function runLine(result: BenchResult): string {
  const { machine } = result
  const load = result.load ? `, load average ${result.load.start.toFixed(1)} → ${result.load.end.toFixed(1)}` : ''
  return `One \`npm run bench\` run, ${result.started.slice(0, 16).replace('T', ' ')} UTC${result.quick ? ' (--quick)' : ''}: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node.replace(/^v/, '')}${load}.`
}

/** Every row of the run: Slope's median, then each baseline with Slope / baseline (below 1: Slope is faster). */
export function rowsMarkdown(rows: BenchRow[]): string {
  const lines = ['| suite | case | Slope (ms) | baselines: ms (Slope / baseline) | notes |', '|---|---|---|---|---|']
  for (const r of rows) {
    const baselines = Object.keys(r.baselines)
      .map((k) => `${k} ${fmtMs(r.baselines[k])}${r.ratios[k] == null ? '' : ` (${fmtRatio(r.ratios[k])}×)`}`)
      .join('; ')
    lines.push(`| ${cell(r.suite)} | ${cell(r.case)} | ${fmtMs(r.ms)} | ${cell(baselines)} | ${cell(r.notes ?? '')} |`)
  }
  return lines.join('\n')
}

function statusText(s: GoalStatus): string {
  if (s.met === null) return 'not measured in this run'
  return s.met ? 'met' : 'not met'
}

/** The goals, each with this run's figure, its status and, where not met, the measured cause. */
export function goalsMarkdown(statuses: GoalStatus[]): string {
  const lines = ['| issue | goal | this run | status | where not met: the cause, measured |', '|---|---|---|---|---|']
  for (const s of statuses) {
    const figure = s.figure === null ? '—' : s.goal.format(s.figure)
    lines.push(`| #${s.goal.issue} | ${cell(s.goal.goal)} | ${figure} | ${statusText(s)} | ${s.met === false ? cell(s.goal.gap ?? '') : ''} |`)
  }
  return lines.join('\n')
}

/** Plain text for the terminal after `npm run bench`'s table: the goals of the suites that ran. */
export function goalsText(rows: BenchRow[]): string {
  const ran = new Set(rows.map((r) => r.suite))
  return goalStatuses(rows)
    .filter((s) => ran.has(s.goal.suite))
    .map((s) => `#${s.goal.issue}  ${statusText(s).padEnd(24)} ${(s.figure === null ? '—' : s.goal.format(s.figure)).padStart(10)}  ${s.goal.goal.replace(/`/g, '')}`)
    .join('\n')
}

/**
 * Replaces what stands between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in `text`. Throws
 * where the markers are missing, so a renamed README heading cannot silently drop a table.
 */
export function splice(text: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`
  const close = `<!-- /bench:${name} -->`
  const start = text.indexOf(open)
  const end = text.indexOf(close)
  if (start < 0 || end < start) throw new Error(`README has no ${open} … ${close} section to write the ${name} table into.`)
  return `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`
}

/** README with both tables rewritten from `result`. */
export function readmeWithTables(readme: string, result: BenchResult): string {
  const heading = runLine(result)
  const withRows = splice(readme, 'rows', `${heading}\n\n${rowsMarkdown(result.rows)}`)
  return splice(withRows, 'goals', `${heading}\n\n${goalsMarkdown(goalStatuses(result.rows))}`)
}
