import type { RunStatus, RunSummary } from '../../../src-core/contract'
import { formatNumber } from './format'

/** What the Runs tab's filters hold; empty strings and nulls mean "any". */
export interface RunTableFilter {
  text: string
  status: RunStatus | ''
  starredOnly: boolean
  tag: string
  datasetId: number | null
  groupId: string | null
}

export const emptyFilter = (): RunTableFilter => ({ text: '', status: '', starredOnly: false, tag: '', datasetId: null, groupId: null })

export function isFiltering(f: RunTableFilter): boolean {
  return f.text.trim() !== '' || f.status !== '' || f.starredOnly || f.tag !== '' || f.datasetId !== null || f.groupId !== null
}

/**
 * Learning rates for people, never cut: the app's number format at three significant digits, in
 * exponent form below 0.01 or from 10⁴ on ("3.16e−3", "1e−4", "0.0316", "1"), so a rate column 60 px
 * wide holds every value.
 */
export function formatRate(x: number): string {
  return formatNumber(x, 3, { plainFrom: 1e-2, exponentFrom: 1e4 })
}

/**
 * The name a sweep was given, read back from its runs' names: main names them
 * "<name> [optimizer ]lr=<rate>" (services/training.ts), with "sweep" when the user gave none. Null
 * when the sweep was not named or its runs no longer share one (renamed).
 */
export function sweepName(members: readonly { name: string; optimizer: string }[]): string | null {
  // Main puts the optimizer in the name only when the sweep had several.
  const severalOptimizers = new Set(members.map((r) => r.optimizer)).size > 1
  let shared: string | null = null
  for (const r of members) {
    const tail = /\s+lr=\S+$/u.exec(r.name)
    if (!tail) return null // not a sweep's run name (renamed)
    let prefix = r.name.slice(0, tail.index)
    if (severalOptimizers) {
      if (!prefix.endsWith(` ${r.optimizer}`)) return null
      prefix = prefix.slice(0, -r.optimizer.length - 1)
    }
    if (shared !== null && prefix !== shared) return null
    shared = prefix
  }
  return shared === null || shared === '' || shared === 'sweep' ? null : shared
}

/** A sweep as the filters and the table show it: its name, or the range of rates it tried. */
export interface SweepGroup {
  groupId: string
  /** The name the user gave it; null when none (labelled by its rates instead). */
  name: string | null
  minRate: number
  maxRate: number
  /** Distinct learning rates (a sweep over two optimizers has twice as many runs). */
  rateCount: number
  count: number
  newestId: number
}

/** What a sweep's label says, as an i18n key and its values (`runs.groups.*`). */
export function groupLabelParts(g: SweepGroup): { key: 'named'; values: { name: string } } | { key: 'rates'; values: { min: string; max: string; n: number } } {
  if (g.name !== null) return { key: 'named', values: { name: g.name } }
  return { key: 'rates', values: { min: formatRate(g.minRate), max: formatRate(g.maxRate), n: g.rateCount } }
}

/**
 * Filters in the page rather than through runs.list: the store already holds every run and
 * refreshes it on each change, so filtering here follows live status changes without a request per
 * keystroke. Text matches (case-insensitively) the name, notes, dataset, target, a tag or the group
 * label — a superset of runs.list's search (name, notes, dataset).
 */
export function filterRuns(runs: readonly RunSummary[], f: RunTableFilter): RunSummary[] {
  const text = f.text.trim().toLowerCase()
  return runs.filter((r) => {
    if (f.status && r.status !== f.status) return false
    if (f.starredOnly && !r.starred) return false
    if (f.tag && !r.tags.includes(f.tag)) return false
    if (f.datasetId !== null && r.datasetId !== f.datasetId) return false
    if (f.groupId !== null && r.groupId !== f.groupId) return false
    if (!text) return true
    // A sweep's name is part of each of its runs' names, so searching names finds the sweep.
    const haystack = [r.name, r.notes, r.datasetName, r.target, ...r.tags]
    return haystack.some((s) => s.toLowerCase().includes(text))
  })
}

export const sortKeys = [
  'name',
  'status',
  'dataset',
  'optimizer',
  'learningRate',
  'epochsRun',
  'finalLoss',
  'bestLoss',
  'finalValLoss',
  'trainMs',
  'createdAt',
  'starred',
  'tags',
  'group',
] as const
export type SortKey = (typeof sortKeys)[number]
export type SortDirection = 'asc' | 'desc'

/** Status order for sorting: what needs attention (training) first, then outcomes best to worst. */
// A rank per status (the compiler asks for every one), not another list of them.
const statusRank: Record<RunStatus, number> = { running: 0, queued: 1, completed: 2, cancelled: 3, interrupted: 4, diverged: 5, failed: 6 }
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

function sortValue(r: RunSummary, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return r.name
    case 'status':
      return statusRank[r.status]
    case 'dataset':
      return r.datasetName
    case 'optimizer':
      return r.solver === 'lstsq' ? 'lstsq' : r.optimizer
    case 'learningRate':
      return r.solver === 'lstsq' ? null : r.learningRate
    case 'epochsRun':
      return r.epochsRun
    case 'finalLoss':
      return r.finalLoss
    case 'bestLoss':
      return r.bestLoss
    case 'finalValLoss':
      return r.finalValLoss
    case 'trainMs':
      return r.trainMs
    case 'createdAt':
      return r.createdAt // ISO 8601: text order is time order
    case 'starred':
      return r.starred ? 1 : 0
    case 'tags':
      return r.tags.length ? [...r.tags].sort(collator.compare).join(', ') : null
    case 'group':
      return r.groupId
  }
}

/**
 * Sorted copy. Missing values (no loss yet, no group, NaN) go last in either direction, so "best
 * loss ascending" starts with the best run rather than with runs still queued; ties keep newest first.
 */
export function sortRuns(runs: readonly RunSummary[], key: SortKey, direction: SortDirection): RunSummary[] {
  const sign = direction === 'asc' ? 1 : -1
  const keyed = runs.map((r) => ({ r, v: sortValue(r, key) }))
  keyed.sort((a, b) => {
    const aMissing = a.v === null || (typeof a.v === 'number' && Number.isNaN(a.v))
    const bMissing = b.v === null || (typeof b.v === 'number' && Number.isNaN(b.v))
    if (aMissing || bMissing) return aMissing === bMissing ? b.r.id - a.r.id : aMissing ? 1 : -1
    const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : collator.compare(String(a.v), String(b.v))
    return c !== 0 ? sign * c : b.r.id - a.r.id
  })
  return keyed.map((k) => k.r)
}

/** "a, b,, a , c" → ["a", "b", "c"]: trimmed, no empties, no repeats, in typed order (max 100 chars each, as main allows). */
export function parseTags(text: string): string[] {
  const out: string[] = []
  for (const part of text.split(/[,，]/)) {
    const tag = part.trim().slice(0, 100)
    if (tag && !out.includes(tag)) out.push(tag)
  }
  return out
}

/** Every tag in use, sorted, for the tag filter. */
export function tagsOf(runs: readonly RunSummary[]): string[] {
  return [...new Set(runs.flatMap((r) => r.tags))].sort(collator.compare)
}

/** Sweep groups present in the list, newest first, with their run counts, names and rate ranges. */
export function groupsOf(runs: readonly RunSummary[]): SweepGroup[] {
  const members = new Map<string, RunSummary[]>()
  for (const r of runs) {
    if (!r.groupId) continue
    const list = members.get(r.groupId) ?? []
    list.push(r)
    members.set(r.groupId, list)
  }
  const groups = [...members].map(([groupId, rs]): SweepGroup => {
    const rates = rs.map((r) => r.learningRate)
    return {
      groupId,
      name: sweepName(rs),
      minRate: Math.min(...rates),
      maxRate: Math.max(...rates),
      rateCount: new Set(rates).size,
      count: rs.length,
      newestId: Math.max(...rs.map((r) => r.id)),
    }
  })
  return groups.sort((a, b) => b.newestId - a.newestId)
}

/**
 * What tells compared runs apart, first and in full (legends, the settings table's headers,
 * tooltips): the optimizer when they differ in it, the learning rate when they differ in it
 * ("SGD · lr 3.16e-3"); the run's name when neither differs. `optimizerLabel` names an optimizer.
 */
export function distinguishingLabels(runs: readonly RunSummary[], optimizerLabel: (name: string) => string, lstsq: string): Map<RunSummary['id'], string> {
  const gd = runs.filter((r) => r.solver === 'gd')
  const optimizers = new Set(runs.map((r) => (r.solver === 'lstsq' ? 'lstsq' : r.optimizer))).size > 1
  const rates = new Set(gd.map((r) => r.learningRate)).size > 1
  return new Map(
    runs.map((r) => {
      if (r.solver === 'lstsq') return [r.id, optimizers || rates ? lstsq : r.name]
      const parts = [...(optimizers ? [optimizerLabel(r.optimizer)] : []), ...(rates ? [`lr ${formatRate(r.learningRate)}`] : [])]
      return [r.id, parts.length ? parts.join(' · ') : r.name]
    }),
  )
}
