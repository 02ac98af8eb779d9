import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { startRunSchema } from './contract'
import { InputError } from './errors'
import { parseInput } from './parse-input'
import { inputErrorOf } from './testing/input-error'

describe('parseInput', () => {
  it('returns the parsed value, defaults applied', () => {
    expect(parseInput(z.object({ n: z.number().default(3) }), {})).toEqual({ n: 3 })
  })

  it('turns the first zod issue into one InputError sentence naming the field, never an issue dump', () => {
    const e = inputErrorOf(() => parseInput(startRunSchema, { datasetId: 1, target: 'y', config: {}, name: '  ' }))
    expect(e).toBeInstanceOf(InputError)
    expect(e.sentence).toBe('A name cannot be empty (name). Correct it and try again.')
  })

  it('names nested fields and list items as a person reads them, and where the value came from', () => {
    const schema = z.object({ config: z.object({ features: z.array(z.string()) }) })
    expect(inputErrorOf(() => parseInput(schema, { config: { features: ['a', 3] } }, 'the sweep')).message).toBe('Invalid input: expected string, received number (config.features[1] in the sweep).')
    expect(inputErrorOf(() => parseInput(schema, {})).message).toBe('A value is required (config).')
  })

  it('an argument list names the argument by position, or the field inside it', () => {
    const args = z.tuple([z.number(), z.object({ name: z.string().min(1, 'a name cannot be empty') })])
    const where = { input: 'runs.rename', arguments: true }
    expect(inputErrorOf(() => parseInput(args, ['7', { name: 'a' }], where)).message).toBe('Invalid input: expected number, received string (argument 1 of runs.rename).')
    expect(inputErrorOf(() => parseInput(args, [7, { name: '' }], where)).message).toBe('A name cannot be empty (name in runs.rename).')
  })

  it('uses the labels a person knows a field by, and the given hint', () => {
    const schema = z.object({ learningRate: z.number().positive('the learning rate must be greater than 0') })
    const e = inputErrorOf(() => parseInput(schema, { learningRate: 0 }, { fields: { learningRate: '--lr' }, hint: 'Change that setting and try again.' }))
    expect(e.sentence).toBe('The learning rate must be greater than 0 (--lr). Change that setting and try again.')
  })
})
