import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { pythonModuleMissing, systemPython } from '../../../src-core/testing/python'
import { normalQuantile, plottingPositions } from './diagnostic-plots'

const missing = pythonModuleMissing('scipy')

describe('Q-Q plot quantiles', () => {
  it('plotting positions are R’s ppoints: a = 3/8 up to 10 points, 1/2 above', () => {
    expect(Array.from(plottingPositions(3))).toEqual([5 / 8 / 3.25, 1.625 / 3.25, 2.625 / 3.25])
    expect(plottingPositions(20)[0]).toBeCloseTo(0.5 / 20, 15)
  })

  it.skipIf(missing !== null)(`normal quantiles agree with scipy.stats.norm.ppf to 1e-8${missing ? ` (skipped: ${missing})` : ''}`, () => {
    const probs = [1e-10, 1e-4, 0.01, 0.02425, 0.1, 0.3, 0.5, 0.77, 0.975, 0.9999, 1 - 1e-9]
    const r = spawnSync(systemPython, ['-c', `import json,sys; from scipy.stats import norm; print(json.dumps([norm.ppf(p) for p in json.load(sys.stdin)]))`], { input: JSON.stringify(probs), encoding: 'utf8' })
    const ref = JSON.parse(r.stdout) as number[]
    probs.forEach((p, i) => expect(Math.abs(normalQuantile(p) - ref[i]!)).toBeLessThan(1e-8 * Math.max(1, Math.abs(ref[i]!))))
  })
})
