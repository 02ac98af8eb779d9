import type { Cell } from './cell-value'

/** Rows looked at to find the header: title and note rows above a table are rarely more. */
export const HEADER_SEARCH_ROWS = 10

export interface HeaderChoice {
  /** Index (into the rows given) of the header row, or -1 when the table has no header row. */
  headerIndex: number
  /** Index of the first data row. */
  dataIndex: number
}

/**
 * Finds the header among the first non-blank rows of a sheet or file. A title or note above the
 * table ("Sales report 2024" in a merged A1:F1) fills fewer cells than the table is wide, so the
 * header is the first row that fills at least half as many cells as the widest of these rows. If
 * every filled cell of that row is a number or a date, it is data and the table has no header.
 */
export function findHeaderRow(rows: readonly (readonly Cell[])[]): HeaderChoice {
  const filled = rows.map((r) => r.reduce((n, c) => n + (c.kind === 'empty' ? 0 : 1), 0))
  const widest = Math.max(0, ...filled.slice(0, HEADER_SEARCH_ROWS))
  const first = filled.findIndex((n) => n > 0 && n >= Math.ceil(widest / 2))
  if (first < 0) return { headerIndex: -1, dataIndex: 0 }
  const allValues = rows[first]!.every((c) => c.kind !== 'text')
  return allValues ? { headerIndex: -1, dataIndex: first } : { headerIndex: first, dataIndex: first + 1 }
}

/** Empty or repeated header names become unique ("column 3", "x (2)"), in file order. */
export function uniqueNames(header: readonly string[]): string[] {
  const used = new Set<string>()
  return header.map((raw, i) => {
    const base = raw.trim() || `column ${i + 1}`
    let name = base
    for (let k = 2; used.has(name); k++) name = `${base} (${k})`
    used.add(name)
    return name
  })
}
