import { describe, expect, it } from 'vitest'
import { decimateMinMax } from './decimate'
import { histogram } from './histogram'
import { smoothEma } from './smoothing'

describe('min/max decimation', () => {
  it('keeps short series whole', () => {
    expect(decimateMinMax([3, 1, 2], 0, 3, 10)).toEqual([{ x: 0, y: 3 }, { x: 1, y: 1 }, { x: 2, y: 2 }])
  })

  it('a million points become at most two per bucket, and a single spike survives', () => {
    const values = Float64Array.from({ length: 1_000_000 }, (_, i) => 1 / (i + 1))
    values[654_321] = 50
    const points = decimateMinMax(values, 0, values.length, 800)
    expect(points.length).toBeLessThanOrEqual(1600)
    expect(points.some((p) => p.x === 654_321 && p.y === 50)).toBe(true)
    expect(points[0]).toEqual({ x: 0, y: 1 })
    // x stays increasing so the line never folds back
    for (let i = 1; i < points.length; i++) expect(points[i]!.x).toBeGreaterThan(points[i - 1]!.x)
  })

  it('maps indices through xOf (e.g. wall time)', () => {
    expect(decimateMinMax([5, 4], 0, 2, 10, (i) => i * 2.5)).toEqual([{ x: 0, y: 5 }, { x: 2.5, y: 4 }])
  })
})

describe('EMA smoothing with bias correction', () => {
  it('the first value is the value itself, then the corrected average (by hand, β = 0.5)', () => {
    // s1 = 0.5·4 = 2, w1 = 0.5 → 4; s2 = 0.5·2 + 0.5·2 = 2, w2 = 0.75 → 8/3
    const s = smoothEma([4, 2], 0.5)
    expect(s[0]).toBeCloseTo(4, 15)
    expect(s[1]).toBeCloseTo(8 / 3, 15)
  })

  it('β = 0 leaves the series alone; a constant stays constant', () => {
    expect(Array.from(smoothEma([1, 5, 2], 0))).toEqual([1, 5, 2])
    expect(Array.from(smoothEma([7, 7, 7, 7], 0.9)).every((v) => Math.abs(v - 7) < 1e-12)).toBe(true)
  })
})

describe('histogram', () => {
  it('counts equal-width bins, the maximum in the last bin, NaN skipped', () => {
    expect(histogram([0, 1, 2, 3, 4, NaN], 2)).toEqual({ counts: [2, 3], min: 0, max: 4 })
  })
})
