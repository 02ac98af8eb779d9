import { describe, expect, it } from 'vitest'
import { Random } from './random'

describe('Random', () => {
  it('is reproducible per seed and differs across seeds', () => {
    const a = new Random(1)
    const b = new Random(1)
    const c = new Random(2)
    const xs = Array.from({ length: 5 }, () => a.nextUint32())
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs)
  })

  it('floats are uniform on [0, 1): mean 1/2, variance 1/12 within sampling error', () => {
    const r = new Random(99)
    const n = 200_000
    let sum = 0
    let sum2 = 0
    let outside = 0
    for (let i = 0; i < n; i++) {
      const u = r.nextFloat()
      if (!(u >= 0 && u < 1)) outside++
      sum += u
      sum2 += u * u
    }
    expect(outside).toBe(0)
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005) // sd of the mean ≈ 0.00065
    expect(Math.abs(sum2 / n - (sum / n) ** 2 - 1 / 12)).toBeLessThan(0.002)
  })

  it('shuffle is a permutation with every position equally likely for each element', () => {
    const r = new Random(5)
    const counts = Array.from({ length: 4 }, () => new Array<number>(4).fill(0))
    for (let t = 0; t < 40_000; t++) {
      const p = r.shuffle(Uint32Array.from([0, 1, 2, 3]))
      if ([...p].sort().join() !== '0,1,2,3') throw new Error(`not a permutation: ${p}`)
      p.forEach((v, i) => counts[v]![i]!++)
    }
    for (const row of counts) for (const c of row) expect(Math.abs(c - 10_000)).toBeLessThan(400) // ±4.6 sd
  })
})
