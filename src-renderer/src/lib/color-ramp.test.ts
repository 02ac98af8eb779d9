import { describe, expect, it } from 'vitest'
import { rampGradient, rateColor, viridis } from './color-ramp'

describe('the learning-rate colour scale', () => {
  it('is viridis: its published ends and middle (#440154, #21918c, #fde725)', () => {
    expect(viridis(0)).toBe('rgb(68, 1, 84)')
    expect(viridis(0.5)).toBe('rgb(33, 145, 140)')
    expect(viridis(1)).toBe('rgb(253, 231, 37)')
    expect(viridis(-1)).toBe(viridis(0))
    expect(viridis(Number.NaN)).toBe(viridis(0))
  })

  it('places rates on a log scale: 1e-2 is halfway from 1e-4 to 1', () => {
    expect(rateColor(1e-2, 1e-4, 1, [0, 1])).toBe(viridis(0.5))
    expect(rateColor(1e-4, 1e-4, 1, [0.2, 0.8])).toBe(viridis(0.2))
    expect(rateColor(1, 1e-4, 1, [0.2, 0.8])).toBe(viridis(0.8))
    expect(rateColor(0.3, 0.3, 0.3, [0, 1])).toBe(viridis(0.5))
  })

  it('draws the bar with the same colours, first to last', () => {
    const g = rampGradient([0, 1], 3)
    expect(g).toBe(`linear-gradient(to right, ${viridis(0)}, ${viridis(0.5)}, ${viridis(1)})`)
  })
})
