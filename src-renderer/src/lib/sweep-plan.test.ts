import { describe, expect, it } from 'vitest'
import { divergingRates, logSpacedRates, planSweep, rangeAround, stableRange } from './sweep-plan'

describe('log-spaced learning rates', () => {
  it('four rates from 1e-3 to 1 are the four decades', () => {
    const rates = logSpacedRates(1e-3, 1, 4)
    expect(rates).toHaveLength(4)
    for (const [i, expected] of [1e-3, 1e-2, 1e-1, 1].entries()) expect(Math.abs(rates[i]! - expected) / expected).toBeLessThan(1e-14)
  })

  it('ends exactly at min and max, with a constant ratio between neighbours', () => {
    const rates = logSpacedRates(2e-4, 0.5, 7)
    expect(rates[0]).toBe(2e-4)
    expect(Math.abs(rates[6]! - 0.5) / 0.5).toBeLessThan(1e-14)
    // ratio = (max/min)^(1/6) = 2500^(1/6) ≈ 3.6840314986
    for (let i = 1; i < rates.length; i++) expect(rates[i]! / rates[i - 1]!).toBeCloseTo(3.6840314986, 9)
  })

  it('two rates are the ends; three put the middle at the geometric mean', () => {
    expect(logSpacedRates(0.01, 0.1, 2)).toEqual([0.01, 0.1])
    expect(logSpacedRates(0.01, 1, 3)[1]).toBeCloseTo(0.1, 15)
  })

  it('min = max repeats one rate', () => {
    expect(logSpacedRates(0.3, 0.3, 3)).toEqual([0.3, 0.3, 0.3])
  })
})

describe('checking a sweep', () => {
  it('names the first problem and plans nothing', () => {
    expect(planSweep(0, 1, 4)).toEqual({ rates: [], problem: 'min' })
    expect(planSweep(Number.NaN, 1, 4).problem).toBe('min')
    expect(planSweep(0.1, -1, 4).problem).toBe('max')
    expect(planSweep(0.1, Infinity, 4).problem).toBe('max')
    expect(planSweep(1, 0.1, 4).problem).toBe('order')
    expect(planSweep(0.01, 1, 1).problem).toBe('count')
    expect(planSweep(0.01, 1, 65).problem).toBe('count')
    expect(planSweep(0.01, 1, 2.5).problem).toBe('count')
  })

  it('accepts 2 to 64 rates', () => {
    expect(planSweep(0.01, 1, 2)).toEqual({ rates: [0.01, 1], problem: null })
    expect(planSweep(1e-6, 10, 64).rates).toHaveLength(64)
  })
})

describe('a range around the finder’s suggestion', () => {
  it('one decade either side, two significant digits', () => {
    expect(rangeAround(0.0123)).toEqual({ min: 0.0012, max: 0.12 })
    expect(rangeAround(3)).toEqual({ min: 0.3, max: 30 })
  })
})

describe('the oracle’s range and marks', () => {
  // One feature, no intercept, x = (1, 2, 3): H = 2/n·XᵀX = 2·14/3 = 28/3, so λ = 28/3,
  // lr_max_stable = 2/λ = 3/14 and lr_optimal = 1/λ = 3/28 (docs/learning-rates.md, one eigenvalue).
  const oracle = { lr_max_stable: 3 / 14, lr_optimal: 3 / 28 }

  it('runs from lr_optimal/100 to 2·lr_max_stable, two significant digits', () => {
    expect(stableRange(oracle)).toEqual({ min: 0.0011, max: 0.43 })
  })

  it('offers nothing for an adaptive optimizer (no bound)', () => {
    expect(stableRange({ lr_max_stable: null, lr_optimal: null })).toBeNull()
  })

  it('marks exactly the rates above lr_max_stable', () => {
    expect(divergingRates([0.1, 3 / 14, 0.22, 1], oracle.lr_max_stable)).toEqual([false, false, true, true])
    expect(divergingRates([0.1, 10], null)).toEqual([false, false])
  })
})
