import { describe, expect, it } from 'vitest'
import { InputError, nameNoteFixes } from '../../src-core/errors'
import { cliSentence, flagName } from './fix-flags'

describe('the CLI names fixes by their flags', () => {
  it('a setting with a value, without one, a composite and an import option', () => {
    expect(flagName({ setting: 'missing', value: 'drop' })).toBe('--missing drop')
    expect(flagName({ setting: 'learningRate' })).toBe('--lr')
    expect(flagName({ setting: 'init', value: 'explicit' })).toBe('--init-weights')
    expect(flagName({ setting: 'standardize', value: 'false' })).toBe('--no-standardize')
    expect(flagName({ setting: 'encoding' })).toBe('--encoding')
    expect(flagName({ setting: 'oneHot' })).toBe('--one-hot')
  })

  it('words the same error as the app names its controls', () => {
    const e = new InputError('{0} applies to workbooks.', 'Leave out {0}.', {}, [{ setting: 'sheet' }])
    expect(cliSentence(e)).toBe('--sheet applies to workbooks. Leave out --sheet.')
    expect(e.sentence).toBe('“Sheet” applies to workbooks. Leave out “Sheet”.')
  })

  it('names an import note’s inline fix as its flag', () => {
    expect(nameNoteFixes('encoding detected as gb18030; if the text looks wrong, give it with {encoding}', flagName)).toBe('encoding detected as gb18030; if the text looks wrong, give it with --encoding')
  })
})
