import { describe, expect, it } from 'vitest'
import { prepareData } from '../../../src-core/table/prepare'
import { fitStandardization } from '../../../src-core/table/standardize'
import { Table } from '../../../src-core/table/table'
import { fitPoints, TRAIN, VALIDATION } from './fit-points'
import { exactInOriginalUnits, predictOne, surfaceCoordinates, toOriginalUnits } from './fit-units'
import { sampleIndices } from './sample-rows'

describe('units', () => {
  it('converts standardized θ by hand: w = w_z/scale, b = b_z − Σ w·mean', () => {
    // mean 2, scale 4, θ_z = (8, 1): w = 2, b = 1 − 2·2 = −3.
    expect(toOriginalUnits([8, 1], 1, { mean: [2], scale: [4] })).toEqual({ weights: [2], intercept: -3 })
    expect(toOriginalUnits([8, 1], 1, null)).toEqual({ weights: [8], intercept: 1 })
    expect(exactInOriginalUnits({ available: false, reason: 'x' }, 1, null)).toBeNull()
    expect(exactInOriginalUnits({ available: true, params: [8, 1], trainLoss: 0, distance: 0 }, 1, { mean: [2], scale: [4] })).toEqual({ weights: [2], intercept: -3 })
  })

  it('the original-unit model predicts what θ predicts on the standardized rows', () => {
    const x1 = Float64Array.from({ length: 40 }, (_, i) => 1000 + 37 * Math.sin(i))
    const x2 = Float64Array.from({ length: 40 }, (_, i) => 0.001 * i * i - 0.3)
    const st = fitStandardization([x1, x2], ['a', 'b'], Uint32Array.from({ length: 40 }, (_, i) => i))
    const theta = [0.7, -2.5, 11.25]
    const model = toOriginalUnits(theta, 2, st)
    for (let i = 0; i < 40; i++) {
      const z = [(x1[i]! - st.mean[0]!) / st.scale[0]!, (x2[i]! - st.mean[1]!) / st.scale[1]!]
      const inTraining = theta[2]! + theta[0]! * z[0]! + theta[1]! * z[1]!
      expect(predictOne(model, [x1[i]!, x2[i]!])).toBeCloseTo(inTraining, 9)
    }
  })

  it('surface coordinates drop the bias entry only without an intercept', () => {
    expect(surfaceCoordinates([1, 2, 3], 2, false)).toEqual([1, 2])
    expect(surfaceCoordinates([1, 2, 3], 2, true)).toEqual([1, 2, 3])
    expect(surfaceCoordinates([5, 0], 1, false)).toEqual([5])
  })
})

describe('plotted points', () => {
  const n = 50
  const x = Float64Array.from({ length: n }, (_, i) => 10 + i)
  const y = Float64Array.from({ length: n }, (_, i) => 3 * (10 + i) - 4 + (i % 3))
  const table = new Table(['x', 'y'], [x, y])

  it('are the run’s own rows, split as in training, with x back in original units and ŷ = the model’s', () => {
    const prepared = prepareData(table, { target: 'y', missing: 'error', validationFraction: 0.2, seed: 7, standardize: true, intercept: true })
    const theta = [2.5, 60]
    const points = fitPoints(prepared, theta)
    expect(points.total).toBe(50)
    expect(points.sampled).toBe(false)
    expect(points.part.filter((p) => p === VALIDATION).length).toBe(10)
    const model = toOriginalUnits(theta, 1, prepared.standardization)
    const validation = new Set(prepared.validation!.sourceRows)
    for (let k = 0; k < points.actual.length; k++) {
      // x is an integer 10…59 and y = 3x − 4 + (row mod 3): recover the row from x and check everything against it.
      const row = Math.round(points.x![k]!) - 10
      expect(points.x![k]).toBeCloseTo(x[row]!, 10)
      expect(points.actual[k]).toBe(y[row])
      expect(points.part[k]).toBe(validation.has(row) ? VALIDATION : TRAIN)
      expect(points.predicted![k]).toBeCloseTo(predictOne(model, [x[row]!]), 9)
    }
  })

  it('sample at most the given number, say so, and have no predictions without a finite θ', () => {
    const prepared = prepareData(table, { target: 'y', missing: 'error', validationFraction: 0, seed: 0, standardize: false, intercept: true })
    const points = fitPoints(prepared, [NaN, 1], 20)
    expect(points.actual.length).toBe(20)
    expect(points.sampled).toBe(true)
    expect(points.predicted).toBeNull()
    for (let k = 0; k < 20; k++) expect(points.actual[k]).toBe(y[points.x![k]! - 10])
  })
})

describe('seeded sampling', () => {
  it('keeps everything when it fits; otherwise distinct sorted indices, the same for the same seed', () => {
    expect(Array.from(sampleIndices(3, 10))).toEqual([0, 1, 2])
    const a = sampleIndices(1_000_000, 4000, 1)
    expect(a.length).toBe(4000)
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]!)
    expect(a[a.length - 1]).toBeLessThan(1_000_000)
    expect(Array.from(sampleIndices(1_000_000, 4000, 1))).toEqual(Array.from(a))
    expect(Array.from(sampleIndices(1_000_000, 4000, 2))).not.toEqual(Array.from(a))
    // Uniform: the mean index is n/2 within 4 standard errors (σ = n/√12/√k ≈ 4,564).
    const mean = a.reduce((s, v) => s + v, 0) / a.length
    expect(Math.abs(mean - 500_000)).toBeLessThan(4 * 4564)
  })
})
