import { describe, expect, it } from 'vitest'
import { InputError } from '../errors'
import { prepareData, type PrepareOptions } from './prepare'
import { splitRows } from './split'
import { Table } from './table'
import { inputErrorOf as error } from '../testing/input-error'

const base: Omit<PrepareOptions, 'target'> = { missing: 'error', validationFraction: 0, seed: 0, standardize: false, intercept: true }

function table(): Table {
  const a = Float64Array.from([1, 2, NaN, 4, 5, 6])
  const b = Float64Array.from([10, 20, 30, 40, NaN, 60])
  const y = Float64Array.from([1, 3, 2, 5, 4, NaN])
  const cellText = new Map([[1, new Map([[4, 'n/a']])]])
  return new Table(['a', 'b', 'y'], [a, b, y], { file: 'data.csv', firstRowNumber: 2, cellText, excluded: [{ name: 'city', reason: 'holds text (row 2: "Paris")' }] })
}


describe('prepareData: missing values', () => {
  it('"error" names file, spreadsheet row and column of the first empty cell', () => {
    const e = error(() => prepareData(table(), { ...base, target: 'y' }))
    expect(e.message).toBe('Column "a" has an empty cell (data.csv, row 4).')
    expect(e.where).toEqual({ file: 'data.csv', row: 4, column: 'a' })
    // The fixes as data (the CLI words them --missing drop, the app as its control), none as a flag here.
    expect(e.fixes).toEqual([{ setting: 'missing', value: 'drop' }, { setting: 'missing', value: 'mean' }])
    expect(e.hint).toBe('Choose “Missing or non-numeric cells: Drop those rows” or “Missing or non-numeric cells: Fill features with the training mean”, or fix the cell.')
  })

  it('"error" quotes text found where a number belongs', () => {
    const t = table()
    const e = error(() => prepareData(t, { ...base, target: 'y', features: ['b'] }))
    expect(e.message).toBe('Column "b" has text where a number belongs ("n/a") (data.csv, row 6).')
  })

  it('"drop" keeps complete rows and counts the others', () => {
    const p = prepareData(table(), { ...base, target: 'y', missing: 'drop' })
    expect(Array.from(p.train.sourceRows)).toEqual([0, 1, 3])
    expect(p.missing.droppedRows).toBe(3)
  })

  it('"mean" fills features with the training mean and drops only rows without a target', () => {
    const p = prepareData(table(), { ...base, target: 'y', missing: 'mean' })
    // Rows 0–4 have a target; a's mean over them (1, 2, 4, 5) is 3, b's (10, 20, 30, 40) is 25.
    expect(p.missing.droppedRows).toBe(1)
    expect(p.imputation).toEqual([3, 25])
    expect(Array.from(p.train.X)).toEqual([1, 10, 2, 20, 3, 30, 4, 40, 5, 25])
    expect(p.missing.imputed).toEqual([
      { column: 'a', cells: 1, value: 3 },
      { column: 'b', cells: 1, value: 25 },
    ])
  })
})

describe('prepareData: columns', () => {
  it('features default to every column but the target', () => {
    const p = prepareData(table(), { ...base, target: 'y', missing: 'drop' })
    expect(p.features).toEqual(['a', 'b'])
  })

  it('an unknown column lists the numeric ones', () => {
    expect(error(() => prepareData(table(), { ...base, target: 'sales' })).message).toBe('There is no column "sales" in data.csv.')
  })

  it('a text column says why it cannot be used', () => {
    expect(error(() => prepareData(table(), { ...base, target: 'y', features: ['city'] })).message).toBe(
      'Column "city" holds text (row 2: "Paris"), so it cannot be used as a number.',
    )
  })

  it('the target cannot also be a feature', () => {
    expect(error(() => prepareData(table(), { ...base, target: 'y', features: ['y'] })).message).toContain('is the target')
  })

  it('a constant target is refused', () => {
    const t = new Table(['x', 'y'], [Float64Array.from([1, 2, 3]), Float64Array.from([7, 7, 7])])
    expect(error(() => prepareData(t, { ...base, target: 'y' })).message).toContain('same value (7) in every training row')
  })
})

describe('prepareData: standardization and split', () => {
  const n = 20
  const x = Float64Array.from({ length: n }, (_, i) => i * i)
  const y = Float64Array.from({ length: n }, (_, i) => 3 * i + 1)
  const t = new Table(['x', 'y'], [x, y])

  it('standardization is fitted on training rows only (population SD)', () => {
    const p = prepareData(t, { ...base, target: 'y', standardize: true, validationFraction: 0.25, seed: 9 })
    const trainX = Array.from(p.train.sourceRows, (r) => x[r]!)
    const mean = trainX.reduce((a, b) => a + b) / trainX.length
    const sd = Math.sqrt(trainX.reduce((a, v) => a + (v - mean) ** 2, 0) / trainX.length)
    expect(p.standardization!.mean[0]).toBeCloseTo(mean, 12)
    expect(p.standardization!.scale[0]).toBeCloseTo(sd, 12)
    // validation rows use the training mean/sd, not their own
    const r = p.validation!.sourceRows[0]!
    expect(p.validation!.X[0]).toBeCloseTo((x[r]! - mean) / sd, 12)
  })

  it('without an intercept features are only scaled (by their root mean square)', () => {
    const p = prepareData(t, { ...base, target: 'y', standardize: true, intercept: false })
    expect(p.standardization!.mean[0]).toBe(0)
    const rms = Math.sqrt(Array.from(x).reduce((a, v) => a + v * v, 0) / n)
    expect(p.standardization!.scale[0]).toBeCloseTo(rms, 10)
  })

  it('a constant feature cannot be standardized', () => {
    const c = new Table(['k', 'y'], [Float64Array.from([2, 2, 2]), Float64Array.from([1, 2, 3])])
    expect(error(() => prepareData(c, { ...base, target: 'y', standardize: true })).message).toContain('Feature "k" is constant')
  })

  it('the split is seeded, disjoint, complete and in file order', () => {
    const rows = Uint32Array.from({ length: 100 }, (_, i) => i)
    const a = splitRows(rows, 0.3, 42)
    const b = splitRows(rows, 0.3, 42)
    const c = splitRows(rows, 0.3, 43)
    expect(a.validation.length).toBe(30)
    expect(Array.from(a.validation)).toEqual(Array.from(b.validation))
    expect(Array.from(a.validation)).not.toEqual(Array.from(c.validation))
    expect(new Set([...a.train, ...a.validation]).size).toBe(100)
    expect(Array.from(a.train)).toEqual(Array.from(a.train).sort((p, q) => p - q))
  })

  it('a fraction that leaves no validation row is explained', () => {
    expect(error(() => splitRows(Uint32Array.from([0, 1, 2]), 0.1, 0)).message).toContain('leaves 3 training and 0 validation rows')
  })
})
