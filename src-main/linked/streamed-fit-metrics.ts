import { InputError } from '../../src-core/errors'
import { CompensatedSum } from '../../src-core/model/compensated-sum'
import type { Metrics } from '../../src-core/model/metrics'
import type { LinkedSource, ScanChunk } from './linked-source'

/**
 * The metrics pass of a streamed exact fit: MSE, RMSE, MAE and R² of ŷ = b + w·x over the linked
 * rows, as computeMetrics (model/metrics.ts) gives them for rows in memory — MAE needs the
 * residuals at the final β, which the fit's two passes do not keep, so a saved run reads the files
 * once more. Sums are compensated; the total sum of squares is taken about `shift` (the statistics
 * pass's mean, close to the true one) and corrected, Σ(y − ȳ)² = Σ(y − m)² − (Σ(y − m))²/n, which
 * keeps its digits without a pass for the mean.
 */
export async function streamedFitMetrics(input: {
  source: LinkedSource
  features: readonly string[]
  response: string
  weights: readonly number[]
  intercept: number
  shift: number
  where?: string
  rowsPerChunk?: number
  signal?: AbortSignal
  /** The chunks to measure instead of the files' own columns (a formula's design: formula-chunks.ts): `features`, then `response`. */
  chunks?: () => AsyncIterable<ScanChunk>
  /** After each chunk: rows read so far. */
  onProgress?: (rows: number) => void
}): Promise<Metrics> {
  const { features, weights } = input
  const d = features.length
  const sse = new CompensatedSum()
  const sae = new CompensatedSum()
  const s1 = new CompensatedSum()
  const s2 = new CompensatedSum()
  // Without a known mean (a formula's response, log(y)…) the first chunk's stands in: any shift near the mean keeps the digits.
  let m = Number.isFinite(input.shift) ? input.shift : NaN
  let n = 0
  const chunks = input.chunks ?? (() => input.source.scan([...features, input.response], { where: input.where, rowsPerChunk: input.rowsPerChunk, signal: input.signal }))
  for await (const chunk of chunks()) {
    const y = chunk.columns[d]!
    const rows = chunk.rows
    if (Number.isNaN(m)) {
      let s = 0
      for (let i = 0; i < rows; i++) s += y[i]!
      m = rows > 0 && Number.isFinite(s) ? s / rows : 0 // once: every row's sums share one shift
    }
    const predicted = new Float64Array(rows).fill(input.intercept)
    for (let j = 0; j < d; j++) {
      const x = chunk.columns[j]!
      const w = weights[j]!
      for (let i = 0; i < rows; i++) predicted[i]! += w * x[i]!
    }
    for (let i = 0; i < rows; i++) {
      const r = predicted[i]! - y[i]!
      sse.add(r * r)
      sae.add(Math.abs(r))
      const c = y[i]! - m
      s1.add(c)
      s2.add(c * c)
    }
    n += rows
    input.onProgress?.(n)
  }
  if (n === 0) throw new InputError('The linked data have no rows to measure the fit on.', 'Check the files (or the filter).')
  const mse = sse.value / n
  const sst = Math.max(0, s2.value - (s1.value * s1.value) / n)
  return { mse, rmse: Math.sqrt(mse), mae: sae.value / n, r2: 1 - sse.value / sst }
}
