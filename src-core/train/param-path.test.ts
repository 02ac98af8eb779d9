import { describe, expect, it } from 'vitest'
import { PathRecorder } from './param-path'

describe('PathRecorder', () => {
  it('keeps every epoch of a short run', () => {
    const r = new PathRecorder(4, 8)
    for (let e = 0; e < 10; e++) r.record(e, [e, -e])
    expect(r.path().epochs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(r.path().params[9]).toEqual([9, -9])
  })

  it('stays bounded over a million epochs: the head whole, the tail evenly thinned', () => {
    const r = new PathRecorder(4, 8)
    for (let e = 0; e < 1_000_000; e++) r.record(e, [e])
    const { epochs } = r.path()
    expect(epochs.length).toBeLessThanOrEqual(4 + 8)
    expect(epochs.slice(0, 4)).toEqual([0, 1, 2, 3])
    const gaps = epochs.slice(4).map((e, i, a) => (i ? e - a[i - 1]! : e - 4))
    // a power-of-two stride, the same between every kept tail point
    const stride = gaps[1]!
    expect(Math.log2(stride) % 1).toBe(0)
    expect(gaps.slice(1).every((g) => g === stride)).toBe(true)
    expect(epochs.at(-1)! + stride).toBeGreaterThan(1_000_000 - stride) // reaches the end of the run
  })
})
