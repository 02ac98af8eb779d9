import { describe, expect, it } from 'vitest'
import { createControl, readControl, setControl, tableFromPlain, tableToPlain, type PlainTable } from './protocol'
import { Table } from './table/table'
import { inputErrorOf } from './testing/input-error'

const plain = (names: string[], columns: number[][]): PlainTable => ({ names, columns: columns.map((c) => Float64Array.from(c)), source: { file: 'new.csv', cellText: [] } })

describe('a Table as plain data', () => {
  it('round-trips names, columns, row numbering, excluded columns and the text of non-numeric cells', () => {
    const cellText = new Map([[1, new Map([[0, 'n/a'], [2, '?']])]])
    const table = new Table(['x', 'y'], [Float64Array.from([1, 2, 3]), Float64Array.from([NaN, 5, NaN])], { file: 'a.csv', firstRowNumber: 4, cellText, excluded: [{ name: 'city', reason: 'holds text' }] })
    const flat = tableToPlain(table)
    expect(flat.source.cellText).toEqual([[1, 0, 'n/a'], [1, 2, '?']])
    const back = tableFromPlain(flat)
    expect(back.names).toEqual(['x', 'y'])
    expect(back.rowNumber(0)).toBe(4)
    expect(back.cellText(1, 2)).toBe('?')
    expect(back.source.excluded).toEqual([{ name: 'city', reason: 'holds text' }])
  })

  it('a shape no table can have is a sentence saying what is wrong', () => {
    expect(inputErrorOf(() => tableFromPlain(plain(['x', 'y', 'z'], [[1]]))).message).toBe('The table has 3 column names for 1 column in new.csv.')
    expect(inputErrorOf(() => tableFromPlain(plain(['x', 'y'], [[1, 2], [3]]))).message).toBe('Column "y" has 1 rows, but "x" has 2 in new.csv.')
    const twice = inputErrorOf(() => tableFromPlain(plain(['x', 'y', 'x'], [[1], [2], [3]])))
    expect(twice.sentence).toBe('Column names must be unique: "x" appears twice in new.csv. Rename the repeated columns in the file and import it again.')
    expect(twice.where).toEqual({ file: 'new.csv', column: 'x' })
  })
})

describe('run control flags', () => {
  it('pause and resume set the flag the worker waits on; cancel wakes a paused run to see it', () => {
    const control = createControl()
    const worker = readControl(control)
    setControl(control, 'pause')
    expect(new Int32Array(control)[1]).toBe(1)
    setControl(control, 'resume')
    worker.waitWhilePaused() // returns at once: not paused
    setControl(control, 'pause')
    setControl(control, 'cancel')
    worker.waitWhilePaused() // would never return if cancel left the run paused
    expect(worker.cancelled()).toBe(true)
  })
})
