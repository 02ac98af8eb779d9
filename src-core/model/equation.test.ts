import { describe, expect, it } from 'vitest'
import { writeEquation } from './equation'

const plain = (x: number) => String(x)

describe('the model equation', () => {
  it('writes a negative coefficient as "+ −3.01606", with a real minus sign', () => {
    expect(writeEquation('价格', ['面积', '房龄'], [1.5, -3.01606], 20, plain)).toBe('价格 = 1.5·面积 + \u22123.01606·房龄 + 20')
  })

  it('a negative intercept and exponent too; no hyphen-minus anywhere', () => {
    const text = writeEquation('y', ['x'], [-2.5e-7], -0.8, (x) => x.toExponential(1))
    expect(text).toBe('y = \u22122.5e\u22127·x + \u22128.0e\u22121')
    expect(text).not.toContain('-')
  })

  it('leaves out a zero or absent intercept; a model with nothing in it is 0', () => {
    expect(writeEquation('y', ['x'], [2], 0, plain)).toBe('y = 2·x')
    expect(writeEquation('y', ['x'], [2], null, plain)).toBe('y = 2·x')
    expect(writeEquation('y', [], [], null, plain)).toBe('y = 0')
  })
})
