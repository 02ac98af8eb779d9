import { describe, expect, it } from 'vitest'
import { convergingBounds, crossingIndex, isLeaving } from './loss-bounds'

const series = (loss: number[], diverged = false) => ({ loss: Float64Array.from(loss), length: loss.length, diverged })

describe('the y range of compared runs', () => {
  it('is the decades around the converging runs, whatever a diverged run reached', () => {
    const bounds = convergingBounds([series([40, 3, 0.25]), series([40, 12, 5.5]), series([40, 1e6, 3.66e189], true)])
    expect(bounds).toEqual({ min: 0.1, max: 100 })
  })

  it('keeps an exact power of ten as the top and skips zero, NaN and infinite losses', () => {
    expect(convergingBounds([series([100, Number.NaN, 0, 2e-3])])).toEqual({ min: 1e-3, max: 100 })
  })

  it('treats a growing run that is still training as leaving', () => {
    expect(isLeaving(series([1, 2, 8]))).toBe(true)
    expect(isLeaving(series([8, 2, 1]))).toBe(false)
    expect(isLeaving(series([8, Infinity]))).toBe(true)
    expect(convergingBounds([series([5, 3]), series([5, 50, 5000])])).toEqual({ min: 1, max: 10 })
  })

  it('has no bounds when every run diverged, and a decade when all losses are equal', () => {
    expect(convergingBounds([series([1, 1e9], true)])).toBeNull()
    expect(convergingBounds([series([1, 1])])).toEqual({ min: 1, max: 10 })
  })

  it('finds the epoch where a curve crosses the top', () => {
    expect(crossingIndex([50, 80, 120, 1e9], 4, 100)).toBe(2)
    expect(crossingIndex([50, Number.NaN, Infinity], 3, 100)).toBe(2)
    expect(crossingIndex([50, 80, 120], 2, 100)).toBe(-1) // only the first `length` count
  })
})
