import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

/**
 * Loads NIST StRD linear-regression datasets from ../shared/data/nist (test-only helper).
 * Power terms (x², …, x¹⁰) are computed in double from the file's x, as NIST specifies.
 */
export interface NistCase {
  name: string
  intercept: boolean
  features: string[]
  /** Row-major n × d design (without the intercept column). */
  X: Float64Array
  y: Float64Array
  estimates: number[]
  stdErrors: number[]
  residualSd: number
  r2: number
}

interface CertifiedEntry {
  columns: string[]
  intercept: boolean
  terms: { param: string; column: string | null; power: number }[]
  estimates: number[]
  std_errors: number[]
  residual_sd: number
  r_squared: number
  n: number
  file: string
}

// A committed copy of the team's shared/data/nist (public-domain NIST data), so a clean clone tests alone.
export const nistDir = fileURLToPath(new URL('../../fixtures/nist/', import.meta.url))

export function loadNist(name: string): NistCase {
  const certified = JSON.parse(readFileSync(join(nistDir, 'certified.json'), 'utf8')) as Record<string, CertifiedEntry>
  const entry = certified[name]
  if (!entry) throw new Error(`no NIST case ${name}`)
  const lines = readFileSync(join(nistDir, entry.file), 'latin1').split(/\r?\n/)
  // Line 61 (1-based) is the first data row.
  const rows = lines.slice(60).map((l) => l.trim()).filter((l) => l.length > 0).map((l) => l.split(/\s+/).map(Number))
  if (rows.length !== entry.n) throw new Error(`${name}: expected ${entry.n} rows, read ${rows.length}`)
  const terms = entry.terms.filter((t) => t.column !== null)
  const n = rows.length
  const d = terms.length
  const X = new Float64Array(n * d)
  const y = new Float64Array(n)
  rows.forEach((r, i) => {
    y[i] = r[0]!
    terms.forEach((t, j) => {
      const v = r[entry.columns.indexOf(t.column!)]!
      X[i * d + j] = v ** t.power
    })
  })
  return {
    name,
    intercept: entry.intercept,
    features: terms.map((t) => (t.power === 1 ? t.column! : `${t.column}^${t.power}`)),
    X,
    y,
    estimates: entry.estimates,
    stdErrors: entry.std_errors,
    residualSd: entry.residual_sd,
    r2: entry.r_squared,
  }
}

export const nistNames = ['Norris', 'Pontius', 'NoInt1', 'NoInt2', 'Filip', 'Longley', 'Wampler1', 'Wampler2', 'Wampler3', 'Wampler4', 'Wampler5']

/** Log relative error: the number of correct significant digits (LRE = −log10 |x − c| / |c|). */
export function lre(value: number, certified: number): number {
  if (value === certified) return 15
  if (certified === 0) return -Math.log10(Math.abs(value))
  return Math.min(15, -Math.log10(Math.abs(value - certified) / Math.abs(certified)))
}
