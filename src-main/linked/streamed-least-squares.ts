import { InputError } from '../../src-core/errors'
import { CompensatedSum } from '../../src-core/model/compensated-sum'
import { factorTallSkinny } from '../../src-core/model/householder-tsqr'
import { fitFromFactor, refinementCannotChangeReport, type LeastSquaresFit } from '../../src-core/model/least-squares'
import type { LinkedSource, ScanChunk } from './linked-source'

/**
 * Exact least squares over a linked dataset in one or two streamed passes, memory O(rowsPerChunk · p):
 *
 * 1. QR pass. The response is appended as a last column, and each chunk is stacked under the
 *    running (p+1) × (p+1) R and triangularized by the blocked Householder TSQR
 *    (householder-tsqr.ts) — the same flat-tree TSQR the in-memory fit runs, with chunks for row
 *    blocks. The last column of R is Qᵀy, so β = R⁻¹(Qᵀy) needs no second look at the rows, and
 *    its last diagonal is ‖y − Xβ‖. Columns are not prescaled: scaling by powers of two commutes
 *    exactly with Householder, so the rank test scales R's columns afterwards by their norms (those
 *    of the design's columns). The total sum of squares is merged over chunks in the same pass.
 * 2. Residual pass, unless the in-memory fit's bound (least-squares.ts
 *    `refinementCannotChangeReport`, Higham's forward error) proves that refinement changes no
 *    reported digit — it does only for small fits, its ε growing as n·p·u. r = y − Xβ, RSS
 *    (compensated, as in memory) and g = Xᵀr, which gives one step of refinement by the corrected
 *    semi-normal equations (Björck): RᵀR δ = g, β ← β + δ. Since RSS(β) = RSS(β*) + ‖Rδ‖², the
 *    refined RSS needs no third pass. This stands in for the in-memory fit's double-double
 *    refinement of the augmented system (it cannot be streamed: it keeps r for all rows).
 *
 * Everything the fit reports (standard errors, t, p, intervals, R², F) comes from R, RSS, TSS and
 * n, so nothing else needs a pass. The report's residual diagnostics (leverage, Cook's distance,
 * heteroskedasticity tests) need per-row values and are not computed for linked data.
 */

export interface StreamedFitInput {
  source: LinkedSource
  features: readonly string[]
  response: string
  intercept: boolean
  where?: string
  rowsPerChunk?: number
  signal?: AbortSignal
  /** The chunks to fit instead of the files' own columns (a formula's design: formula-chunks.ts): `features`, then `response`. */
  chunks?: () => AsyncIterable<ScanChunk>
  /** Called after each chunk: pass 1 or 2, rows read so far in this pass. */
  onProgress?: (pass: 1 | 2, rows: number) => void
}

const RANK_TOLERANCE = 1e-13 // as least-squares.ts

export async function streamedLeastSquares(input: StreamedFitInput): Promise<LeastSquaresFit> {
  const { source, features, response, intercept } = input
  const d = features.length
  const offset = intercept ? 1 : 0
  const p = d + offset
  const q = p + 1
  const names = intercept ? ['(intercept)', ...features] : [...features]
  if (p === 0) throw new InputError('There is nothing to fit: no features and no intercept.', 'Add a feature or the intercept.')
  const columns = [...features, response]
  const scan = input.chunks ?? (() => source.scan(columns, { where: input.where, rowsPerChunk: input.rowsPerChunk, signal: input.signal }))

  // Pass 1: R of [1 X y] and the total sum of squares of y (around its mean with an intercept, as
  // in memory), merged over chunks by Chan's update from each chunk's centred sum: one compensated
  // add per row, and no cancellation when the mean is large beside the spread.
  let R: Float64Array | null = null
  let n = 0
  let mean = 0
  let tss = 0
  for await (const chunk of scan()) {
    R = absorbChunk(R, chunk, q, offset)
    const m = chunk.rows
    const y = chunk.columns[d]!
    let chunkMean = 0
    if (intercept) {
      for (let i = 0; i < m; i++) chunkMean += y[i]!
      chunkMean /= m
    }
    const centred = new CompensatedSum()
    for (let i = 0; i < m; i++) centred.add((y[i]! - chunkMean) ** 2)
    const delta = chunkMean - mean
    tss += centred.value + (delta * delta * n * m) / (n + m)
    mean += (delta * m) / (n + m)
    n += m
    input.onProgress?.(1, n)
  }
  if (n < p || !R) {
    throw new InputError(`Least squares needs at least as many rows as parameters: ${n} rows for ${p} parameters.`, 'Use fewer features or more rows (or a wider --where).')
  }

  const Rp = new Float64Array(p * p)
  const qty = new Float64Array(p)
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) Rp[i * p + j] = R[i * q + j]!
    qty[i] = R[i * q + p]!
  }
  // Column norms of [1 X] are those of R's columns (Q is orthogonal): the powers of two that scale
  // them near 1, for the rank test and the refinement bound, as the in-memory fit scales its design.
  const scale = Array.from({ length: p }, (_, j) => {
    let s = 0
    for (let i = 0; i <= j; i++) s += Rp[i * p + j]! ** 2
    const norm = Math.sqrt(s)
    return Number.isFinite(norm) && norm > 0 ? 2 ** -Math.round(Math.log2(norm)) : 1
  })
  checkRank(Rp, p, names, scale)
  const beta = solveUpper(Rp, p, qty)

  // One pass is enough when the in-memory fit's own test (Higham's forward-error bound,
  // least-squares.ts `refinementCannotChangeReport`) proves the refinement changes no reported
  // digit: then RSS is R's last diagonal squared (the part of y that [1 X] does not reach). It is
  // applied to the scaled R, as in memory; since its ε grows as n·p·u it passes only for small fits.
  const unrefinedRss = R[p * q + p]! ** 2
  const unrefined = fitFromR(Rp, p, beta, unrefinedRss, tss, n, intercept)
  const scaledR = Rp.map((v, k) => v * scale[k % p]!)
  if (refinementCannotChangeReport(scaledR, p, n, beta.map((b, j) => b / scale[j]!), scale, Math.sqrt(unrefinedRss), unrefined)) return unrefined

  // Pass 2: residuals at β, refinement by the corrected semi-normal equations.
  const rss0 = new CompensatedSum()
  const g = Array.from({ length: p }, () => new CompensatedSum())
  let read = 0
  for await (const chunk of scan()) {
    const m = chunk.rows
    const y = chunk.columns[d]!
    const r = new Float64Array(m)
    for (let i = 0; i < m; i++) r[i] = y[i]! - (intercept ? beta[0]! : 0)
    for (let j = 0; j < d; j++) {
      const col = chunk.columns[j]!
      const b = beta[j + offset]!
      for (let i = 0; i < m; i++) r[i]! -= col[i]! * b
    }
    for (let i = 0; i < m; i++) rss0.add(r[i]! * r[i]!)
    if (intercept) for (let i = 0; i < m; i++) g[0]!.add(r[i]!)
    for (let j = 0; j < d; j++) {
      const col = chunk.columns[j]!
      const s = g[j + offset]!
      for (let i = 0; i < m; i++) s.add(col[i]! * r[i]!)
    }
    read += m
    input.onProgress?.(2, read)
  }
  if (read !== n) throw new InputError(`The linked data changed while it was read: ${n} rows in the first pass, ${read} in the second.`, 'Leave the files unchanged during training, then train again.')
  const delta = solveUpper(Rp, p, solveLowerTransposed(Rp, p, Float64Array.from(g, (s) => s.value)))
  let shift = 0
  for (let i = 0; i < p; i++) {
    let s = 0
    for (let j = i; j < p; j++) s += Rp[i * p + j]! * delta[j]!
    shift += s * s
  }
  for (let j = 0; j < p; j++) beta[j]! += delta[j]!
  const rss = Math.max(0, rss0.value - shift)
  return fitFromR(Rp, p, beta, rss, tss, n, intercept)
}

/** R of [R_prev; chunk rows] by the blocked Householder TSQR; the chunk's rows are [1 x… y]. */
function absorbChunk(R: Float64Array | null, chunk: ScanChunk, q: number, offset: number): Float64Array {
  const k = R ? q : 0
  const cols = chunk.columns
  const qr = factorTallSkinny(k + chunk.rows, q, (i, dst, at, stride) => {
    if (i < k) {
      for (let j = 0; j < q; j++) dst[at + j * stride] = R![i * q + j]!
      return
    }
    const row = i - k
    if (offset) dst[at] = 1
    for (let j = 0; j < cols.length; j++) dst[at + (j + offset) * stride] = cols[j]![row]!
  })
  // Rows below the p-th of a short first block are zero; keep the q × q top.
  return qr.R.slice(0, q * q)
}

function checkRank(R: Float64Array, p: number, names: readonly string[], scale: readonly number[]): void {
  let maxDiag = 0
  for (let k = 0; k < p; k++) maxDiag = Math.max(maxDiag, Math.abs(R[k * p + k]! * scale[k]!))
  for (let k = 0; k < p; k++) {
    if (Math.abs(R[k * p + k]! * scale[k]!) > RANK_TOLERANCE * maxDiag) continue
    throw new InputError(
      `Feature "${names[k]}" is constant or a combination of the columns before it in the linked data, so the fit is not unique.`,
      'Remove it from the features.',
      { column: names[k] },
    )
  }
}

function solveUpper(R: Float64Array, p: number, b: Float64Array): number[] {
  const x = new Array<number>(p).fill(0)
  for (let k = p - 1; k >= 0; k--) {
    let s = b[k]!
    for (let j = k + 1; j < p; j++) s -= R[k * p + j]! * x[j]!
    x[k] = s / R[k * p + k]!
  }
  return x
}

/** Solves Rᵀ z = b (Rᵀ lower-triangular). */
function solveLowerTransposed(R: Float64Array, p: number, b: Float64Array): Float64Array {
  const z = new Float64Array(p)
  for (let k = 0; k < p; k++) {
    let s = b[k]!
    for (let j = 0; j < k; j++) s -= R[j * p + k]! * z[j]!
    z[k] = s / R[k * p + k]!
  }
  return z
}

/** The same figures as the in-memory fit, from the same code (β unscaled: every scale is 1). */
function fitFromR(R: Float64Array, p: number, beta: number[], rss: number, tss: number, n: number, intercept: boolean): LeastSquaresFit {
  return fitFromFactor(R, p, beta, new Float64Array(p).fill(1), rss, tss, n, intercept)
}
