import { describe, expect, it } from 'vitest'
import { chiSquareUpperTailP, fUpperTailP, incompleteBeta, logGamma, studentTQuantileTwoSided, studentTTwoSidedP } from './distributions'

// Closed forms (independent of the continued fraction): Cauchy for 1 df, the 2-df formula,
// the F(2, d) tail, I_x(1, 1) = x, I_x(a, 1) = xᵃ, and Γ at integers and ½.
describe('distributions against closed forms', () => {
  it('ln Γ at integers and one half', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14)
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13)
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13)
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9)
  })

  it('incomplete beta special cases', () => {
    for (const x of [0.01, 0.3, 0.5, 0.77, 0.999]) {
      expect(incompleteBeta(x, 1, 1)).toBeCloseTo(x, 14)
      expect(incompleteBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 13)
      expect(incompleteBeta(x, 1, 2.5)).toBeCloseTo(1 - (1 - x) ** 2.5, 13)
    }
  })

  it('t with 1 df is Cauchy: p = 1 − (2/π)·atan|t|', () => {
    for (const t of [0.1, 1, 3, 12.7, 300]) expect(studentTTwoSidedP(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 13)
  })

  it('t with 2 df: p = 1 − |t|/√(2 + t²)', () => {
    for (const t of [0.2, 1.5, 4.3, 50]) expect(studentTTwoSidedP(-t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 13)
  })

  it('large df approaches the normal: 1.959963984540054 has p = 0.05', () => {
    expect(studentTTwoSidedP(1.959963984540054, 1e9)).toBeCloseTo(0.05, 7)
  })

  it('F(2, d) upper tail: (1 + 2f/d)^(−d/2)', () => {
    for (const [f, d] of [[0.5, 3], [4, 10], [30, 7]] as const) expect(fUpperTailP(f, 2, d)).toBeCloseTo((1 + (2 * f) / d) ** (-d / 2), 13)
  })

  it('quantiles invert the tail: 12.706204736174705 (1 df), 4.302652729749464 (2 df)', () => {
    expect(studentTQuantileTwoSided(0.05, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9)
    expect(studentTQuantileTwoSided(0.05, 2)).toBeCloseTo(4.302652729749464, 11)
    for (const df of [3, 9, 40]) expect(studentTTwoSidedP(studentTQuantileTwoSided(0.05, df), df)).toBeCloseTo(0.05, 13)
  })
})

describe('χ² upper tail against closed forms', () => {
  it('1 df: erfc(√(x/2)) via the t(∞) relation; 2 df: exp(−x/2); 4 df: (1 + x/2)·exp(−x/2)', () => {
    // χ²(1) tail at x equals the two-sided normal tail at √x: 3.841458820694124 → 0.05.
    expect(chiSquareUpperTailP(3.841458820694124, 1)).toBeCloseTo(0.05, 14)
    for (const x of [0.1, 2, 9, 40]) {
      expect(chiSquareUpperTailP(x, 2)).toBeCloseTo(Math.exp(-x / 2), 15)
      const four = (1 + x / 2) * Math.exp(-x / 2)
      expect(Math.abs(chiSquareUpperTailP(x, 4) - four) / four).toBeLessThan(1e-13)
    }
    // Tiny tails keep relative accuracy: 6 df at x = 200, (1 + x/2 + x²/8)·exp(−x/2).
    const tail = (1 + 100 + 200 ** 2 / 8) * Math.exp(-100)
    expect(Math.abs(chiSquareUpperTailP(200, 6) - tail) / tail).toBeLessThan(1e-12)
  })
})
