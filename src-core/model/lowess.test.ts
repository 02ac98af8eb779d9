import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Random } from '../random'
import { pythonModuleMissing, runPythonJson } from '../testing/python'
import { lowess } from './lowess'

const script = fileURLToPath(new URL('../testing/statsmodels-lowess.py', import.meta.url))
const missing = pythonModuleMissing('statsmodels')

/** Sorted x with ties, a curved signal and a few outliers, so robustness weights and delta both matter. */
function curve(n: number, seed: number) {
  const rng = new Random(seed)
  const x = Float64Array.from({ length: n }, () => Math.round(rng.nextFloat() * 200) / 20).sort()
  const y = Float64Array.from(x, (v, i) => Math.sin(v) + 0.3 * (rng.nextFloat() - 0.5) + (i % 37 === 0 ? 4 : 0))
  return { x, y }
}

describe.skipIf(missing !== null)(`lowess against statsmodels${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const cases = [
    { ...curve(200, 1), frac: 2 / 3, it: 3, delta: 0 },
    { ...curve(500, 2), frac: 0.3, it: 3, delta: 0.1 },
    { ...curve(101, 3), frac: 2 / 3, it: 0, delta: 0 },
  ]
  const reference = missing ? [] : runPythonJson<number[][]>(script, cases.map((c) => ({ x: Array.from(c.x), y: Array.from(c.y), frac: c.frac, it: c.it, delta: c.delta })))
  cases.forEach((c, k) => {
    it(`matches statsmodels' lowess (n ${c.x.length}, frac ${c.frac.toFixed(2)}, ${c.it} robust passes, delta ${c.delta})`, () => {
      const ours = lowess(c.x, c.y, { frac: c.frac, iterations: c.it, delta: c.delta })
      const ref = reference[k]!
      let worst = 0
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!))
      // ~1e-9 after robust passes: statsmodels cuts the bisquare weights a little differently from clowess.
      expect(worst).toBeLessThan(1e-8)
    })
  })
})

describe('lowess', () => {
  it('reproduces a straight line exactly (local linear fits)', () => {
    const x = Float64Array.from({ length: 50 }, (_, i) => i / 7)
    const y = Float64Array.from(x, (v) => 3 - 2 * v)
    const s = lowess(x, y, { delta: 0 })
    for (let i = 0; i < 50; i++) expect(s[i]).toBeCloseTo(y[i]!, 10)
  })
})
