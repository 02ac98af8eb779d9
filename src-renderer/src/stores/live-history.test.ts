import { describe, expect, it } from 'vitest'
import { LiveHistory, timeOfEpoch } from './live-history'

describe('LiveHistory', () => {
  it('grows past its capacity without losing epochs', () => {
    const h = new LiveHistory()
    const batch = Float64Array.from({ length: 1500 }, (_, i) => i)
    h.append(0, batch, null, Float64Array.from([1, 2]), 10)
    h.append(1500, batch, null, Float64Array.from([3, 4]), 20)
    expect(h.length).toBe(3000)
    expect(h.loss[2999]).toBe(1499)
    expect(Array.from(h.params!)).toEqual([3, 4])
    expect(h.timeline).toEqual([{ epoch: 1500, elapsedMs: 10 }, { epoch: 3000, elapsedMs: 20 }])
  })

  it('a stream that began mid-run is completed from the stored history, without overwriting streamed epochs', () => {
    const h = new LiveHistory()
    h.append(4, Float64Array.from([40, 50]), null, new Float64Array(2), 50)
    h.prefill(Float64Array.from([0, 10, 20, 30, 99, 99]), null, [{ epoch: 4, elapsedMs: 40 }])
    expect(Array.from(h.loss.subarray(0, h.length))).toEqual([0, 10, 20, 30, 40, 50])
    expect(h.timeline).toEqual([{ epoch: 4, elapsedMs: 40 }, { epoch: 6, elapsedMs: 50 }])
  })
})

describe('timeOfEpoch', () => {
  it('interpolates wall time linearly inside each batch', () => {
    const at = timeOfEpoch([{ epoch: 10, elapsedMs: 100 }, { epoch: 20, elapsedMs: 300 }])
    // epoch k ends at k + 1 epochs done: epoch 4 → 5/10 of the first batch
    expect(at(4)).toBeCloseTo(50, 12)
    expect(at(14)).toBeCloseTo(100 + 0.5 * 200, 12)
    expect(at(25)).toBe(300)
  })
})
