import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeGradientThreadPool } from '../../src-main/workers/gradient-thread-pool'
import { syntheticData } from '../backends/conformance'
import { InputError } from '../errors'
import { loadNist, lre } from '../testing/nist'
import { leastSquares, MIN_THREADED_SEGMENTS } from './least-squares'
import { planSegments, SEGMENT_ROWS } from './least-squares-segments'

describe('least squares by row segments on helper threads (real worker_threads over one shared memory)', () => {
  const pools: NodeGradientThreadPool[] = []
  beforeAll(async () => {
    pools.push(await NodeGradientThreadPool.start(1), await NodeGradientThreadPool.start(2))
  }, 60_000)
  afterAll(async () => {
    for (const p of pools) await p.close()
  })

  const helpersOnly = (pool: NodeGradientThreadPool) => ({ helpers: pool.helpers, post: pool.post.bind(pool), callerWorks: false })

  const synthetic = (n: number, d: number, seed: number, intercept: boolean) => {
    const data = syntheticData(n, d, seed, 'f64')
    return { X: data.X as Float64Array, y: data.y as Float64Array, features: Array.from({ length: d }, (_, j) => `x${j}`), intercept }
  }

  for (const intercept of [true, false]) {
    it(`every figure is bit-identical with 0, 1 and 2 helper threads (4 segments, the last one partial${intercept ? '' : ', no intercept'})`, () => {
      const input = synthetic(3 * SEGMENT_ROWS + 1235, 7, 4, intercept)
      expect(Math.ceil(input.y.length / SEGMENT_ROWS)).toBeGreaterThanOrEqual(MIN_THREADED_SEGMENTS)
      for (const refine of ['always', 'never'] as const) {
        const alone = leastSquares(input, { refine })
        expect(leastSquares(input, { refine, threads: pools[0]! })).toEqual(alone) // toEqual on numbers is Object.is: exact bits
        expect(leastSquares(input, { refine, threads: pools[1]! })).toEqual(alone)
        // Every segment on the helpers (the caller only waits): their segments are the caller's bits.
        expect(leastSquares(input, { refine, threads: helpersOnly(pools[1]!) })).toEqual(alone)
      }
    })
  }

  // Stacking copies of the rows leaves the coefficients unchanged (XᵀX and Xᵀy scale alike), so
  // NIST's certified values still hold across segments merged on threads: Filip (κ ≈ 1e15 before
  // scaling) tests the merge's accuracy, Wampler4 (large residuals) the refinement's.
  const required: Record<string, number> = { Longley: 12, Filip: 7, Wampler4: 7.5 }
  for (const [name, copies] of [['Longley', 1100], ['Filip', 220], ['Wampler4', 900]] as const) {
    it(`${name} stacked ${copies} times (${name === 'Longley' ? 2 : 3} segments), on 2 helper threads: certified coefficients and standard errors`, () => {
      const c = loadNist(name)
      const X = new Float64Array(c.X.length * copies)
      const y = new Float64Array(c.y.length * copies)
      for (let k = 0; k < copies; k++) {
        X.set(c.X, k * c.X.length)
        y.set(c.y, k * c.y.length)
      }
      expect(y.length).toBeGreaterThan(SEGMENT_ROWS)
      const input = { X, y, features: c.features, intercept: c.intercept }
      const fit = leastSquares(input, { threads: helpersOnly(pools[1]!) })
      expect(fit).toEqual(leastSquares(input))
      const estimates = c.intercept ? [fit.intercept, ...fit.weights] : fit.weights
      estimates.forEach((v, i) => expect(lre(v, c.estimates[i]!), `${name} B${i}`).toBeGreaterThanOrEqual(required[name]!))
      // k copies: σ̂² is RSS·k/(kn − p) instead of RSS/(n − p), and (XᵀX)⁻¹ is 1/k of the certified one.
      const n = c.y.length
      const p = c.features.length + (c.intercept ? 1 : 0)
      const factor = Math.sqrt((n - p) / (copies * n - p))
      const stdErrors = (c.intercept ? [fit.interceptStats!, ...fit.coefficients] : fit.coefficients).map((s) => s.stdError)
      stdErrors.forEach((v, i) => expect(lre(v, c.stdErrors[i]! * factor), `${name} SE${i}`).toBeGreaterThanOrEqual(required[name]! - 1))
    })
  }

  it('without helpers X is read in place: the memory holds one segment of it, the caller\'s X is left unchanged, the fit is the copied one\'s bits', () => {
    const n = 3 * SEGMENT_ROWS + 1235
    const d = 7
    const copied = planSegments(n, d, 1)
    const staged = planSegments(n, d, 1, true)
    expect(copied.doubles - staged.doubles).toBeGreaterThanOrEqual((n - SEGMENT_ROWS) * d)
    const input = synthetic(n, d, 11, true)
    const before = new Float64Array(input.X)
    for (const wasm of [true, false]) {
      const fit = leastSquares(input, { wasm, refine: 'always' })
      expect(input.X).toEqual(before)
      // Both kernels read X in place (the TypeScript ones never get helpers); WebAssembly's fit equals the helpers', which copy X.
      if (wasm) expect(leastSquares(input, { refine: 'always', threads: helpersOnly(pools[1]!) })).toEqual(fit)
    }
  })

  it('a fit that stops with an error (collinear feature) hands the helpers back: the next threaded fit is the same as alone', () => {
    const input = synthetic(2 * SEGMENT_ROWS + 10, 4, 7, true)
    const X = new Float64Array(input.X)
    for (let i = 0; i < input.y.length; i++) X[i * 4 + 3] = 2 * X[i * 4]! - X[i * 4 + 1]!
    expect(() => leastSquares({ ...input, X }, { threads: helpersOnly(pools[1]!) })).toThrow(InputError)
    const bigger = synthetic(5 * SEGMENT_ROWS, 4, 8, true)
    expect(leastSquares(bigger, { threads: pools[1]! })).toEqual(leastSquares(bigger))
    expect(leastSquares(input, { threads: helpersOnly(pools[0]!) })).toEqual(leastSquares(input))
  })
})
