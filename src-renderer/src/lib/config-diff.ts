/**
 * The comparison's configuration table: every setting of each run flattened to one row per leaf
 * ("schedule.gamma", "earlyStopping.patience"), rows in a stable order, and which rows differ —
 * across all runs and from the pinned baseline.
 */

export type FlatValue = string | number | boolean | null | readonly unknown[]
export type FlatRecord = Record<string, FlatValue>

/**
 * Nested objects become dotted paths; arrays (explicit initial weights, feature lists) stay one
 * value; a null object (early stopping off) stays one null value under its own name.
 */
export function flattenConfig(config: object, prefix = ''): FlatRecord {
  const out: FlatRecord = {}
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, flattenConfig(value as object, path))
    else if (value !== undefined) out[path] = value as FlatValue
  }
  return out
}

export interface DiffRow {
  path: string
  /** One per record; undefined where that run has no such setting (e.g. another schedule's gamma). */
  values: (FlatValue | undefined)[]
  /** Not every run has the same value. */
  differs: boolean
  /** Per record: its value differs from the baseline's (all false without a baseline). */
  fromBaseline: boolean[]
}

/** Same value: numbers and strings exactly, arrays element by element (JSON is exact for finite doubles). */
export function sameValue(a: FlatValue | undefined, b: FlatValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Rows of the union of paths. Order: top-level names in order of first appearance, and the leaves of
 * one name together in order of first appearance — so "earlyStopping.patience" of a later run sits
 * beside the "earlyStopping" (off) of an earlier one rather than at the end.
 */
export function diffRows(records: readonly FlatRecord[], baselineIndex: number | null = null): DiffRow[] {
  const groups = new Map<string, string[]>()
  for (const record of records) {
    for (const path of Object.keys(record)) {
      const top = path.split('.')[0]!
      let paths = groups.get(top)
      if (!paths) groups.set(top, (paths = []))
      if (!paths.includes(path)) paths.push(path)
    }
  }
  const base = baselineIndex !== null && baselineIndex >= 0 && baselineIndex < records.length ? records[baselineIndex]! : null
  return [...groups.values()].flat().map((path) => {
    const values = records.map((r) => (Object.hasOwn(r, path) ? r[path] : undefined))
    return {
      path,
      values,
      differs: values.some((v) => !sameValue(v, values[0])),
      fromBaseline: values.map((v) => base !== null && !sameValue(v, Object.hasOwn(base, path) ? base[path] : undefined)),
    }
  })
}
