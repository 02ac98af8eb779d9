import { describe, expect, it } from 'vitest'
import { InputError } from './errors'
import { decodeRunError, encodeRunError } from './run-error-record'

describe('a failed run’s stored error', () => {
  const missing = new InputError('Column "x" has an empty cell (d.csv, row 4).', 'Choose {0} or {1}, or fix the cell.', { row: 4 }, [
    { setting: 'missing', value: 'drop' },
    { setting: 'missing', value: 'mean' },
  ])

  it('keeps the sentence and the unworded text with its fixes', () => {
    const stored = encodeRunError(missing, missing.sentence)
    expect(decodeRunError(stored)).toEqual({
      sentence: 'Column "x" has an empty cell (d.csv, row 4). Choose “Missing or non-numeric cells: Drop those rows” or “Missing or non-numeric cells: Fill features with the training mean”, or fix the cell.',
      failure: { message: 'Column "x" has an empty cell (d.csv, row 4).', hint: 'Choose {0} or {1}, or fix the cell.', fixes: [{ setting: 'missing', value: 'drop' }, { setting: 'missing', value: 'mean' }] },
    })
    expect(InputError.fromText(decodeRunError(stored)!.failure!).sentence).toBe(missing.sentence)
  })

  it('stores a sentence without fixes as it is, and reads rows stored before fixes existed', () => {
    expect(encodeRunError(new Error('boom'), 'Training failed: boom')).toBe('Training failed: boom')
    expect(decodeRunError('Choose "drop rows" (--missing drop) for missing values.')).toEqual({ sentence: 'Choose "drop rows" (--missing drop) for missing values.', failure: null })
    expect(decodeRunError('{not json')).toEqual({ sentence: '{not json', failure: null })
    expect(decodeRunError(null)).toBeNull()
  })
})
