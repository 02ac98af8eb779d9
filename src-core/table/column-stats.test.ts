import { describe, expect, it } from 'vitest'
import { loadNist } from '../testing/nist'
import { columnStats } from './column-stats'

describe('columnStats', () => {
  it('counts, skips missing cells, and matches the two-pass definitions', () => {
    const s = columnStats(Float64Array.from([2, NaN, 4, 4, 4, 5, 5, 7, 9]))
    expect(s).toMatchObject({ count: 8, missing: 1, min: 2, max: 9, mean: 5 })
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 7), 14) // Σ(x − 5)² = 32, sample sd
  })

  it('keeps every digit when the mean dwarfs the spread (Longley’s population column: ~1e5 ± 1e4)', () => {
    const c = loadNist('Longley')
    const x = Float64Array.from({ length: 16 }, (_, i) => c.X[i * 6 + 4]! + 1e9) // shift by 1e9: naive Σx² − n·x̄² loses it all
    const s = columnStats(x)
    const plain = columnStats(Float64Array.from({ length: 16 }, (_, i) => c.X[i * 6 + 4]!))
    expect(s.std / plain.std - 1).toBeLessThan(1e-6)
  })

  it('a column 1e12 + N(0, 1): the sample sd to 1e-13 of the exact value (BigInt arithmetic)', () => {
    // Box–Muller on a fixed LCG: deterministic normal deviates, added to 1e12 (ulp 2⁻¹³, so 8192·x is an integer).
    let state = 12345
    const uniform = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648
    const n = 10_000
    const x = Float64Array.from({ length: n }, () => 1e12 + Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()))
    const ints = Array.from(x, (v) => BigInt(v * 8192))
    const total = ints.reduce((a, b) => a + b, 0n)
    const N = BigInt(n)
    // Σ(n·xᵢ − Σx)² = n²·Σ(xᵢ − x̄)², exactly.
    const scaled = ints.reduce((a, v) => a + (N * v - total) ** 2n, 0n)
    const exact = Math.sqrt(Number(scaled) / (n * n * (n - 1))) / 8192
    expect(Math.abs(columnStats(x).std / exact - 1)).toBeLessThan(1e-13)
  })

  it('an all-missing column has no statistics', () => {
    expect(columnStats(Float64Array.from([NaN, NaN]))).toMatchObject({ count: 0, missing: 2, mean: NaN, std: NaN })
  })
})
