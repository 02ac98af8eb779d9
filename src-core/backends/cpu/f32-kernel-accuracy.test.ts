import { describe, expect, it } from 'vitest'
import { Random } from '../../random'
import type { BackendData } from '../backend'
import { chunkRowsFor } from './chunked-pass'
import { CpuBackend } from './cpu-backend'
import { f32PassErrorBound } from './f32-error-bound'

/**
 * The f32 kernels (f32 products summed in f32 over blocks of rows, blocks in f64) against an exact
 * reference, on data built for cancellation: features near 300 with a spread of ±1 and y fitted
 * to 1e-3, so each residual is ~10⁻⁵ of the terms it is summed from. The error must stay within
 * the stated bound (f32-error-bound.ts) and come within a few orders of magnitude of it.
 */

/** Double-double arithmetic (Dekker, Knuth): the reference's sums are exact to ~1e-30. */
type DD = [hi: number, lo: number]
function twoSum(a: number, b: number): DD {
  const s = a + b
  const bb = s - a
  return [s, a - (s - bb) + (b - bb)]
}
function split(a: number): DD {
  const t = 134217729 * a
  const hi = t - (t - a)
  return [hi, a - hi]
}
function twoProd(a: number, b: number): DD {
  const p = a * b
  const [ah, al] = split(a)
  const [bh, bl] = split(b)
  return [p, al * bl - (p - ah * bh - al * bh - ah * bl)]
}
function add(x: DD, y: DD): DD {
  const [s, e] = twoSum(x[0], y[0])
  return twoSum(s, e + x[1] + y[1])
}
function mulDD(x: DD, b: number): DD {
  const [p, e] = twoProd(x[0], b)
  return twoSum(p, e + x[1] * b)
}

function exactLossAndGradient(data: BackendData, params: Float64Array, rows: ArrayLike<number>): { loss: number; grad: number[] } {
  const d = data.features
  let sse: DD = [0, 0]
  const g: DD[] = Array.from({ length: d + 1 }, () => [0, 0])
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!
    let r: DD = twoSum(params[d]!, -data.y[i]!)
    for (let j = 0; j < d; j++) r = add(r, twoProd(data.X[i * d + j]!, params[j]!))
    sse = add(sse, add(twoProd(r[0], r[0]), [2 * r[0] * r[1], 0]))
    for (let j = 0; j < d; j++) g[j] = add(g[j]!, mulDD(r, data.X[i * d + j]!))
    g[d] = add(g[d]!, r)
  }
  const m = rows.length
  return { loss: (sse[0] + sse[1]) / m, grad: g.map(([hi, lo]) => ((hi + lo) * 2) / m) }
}

function cancellingData(rows: number, features: number, seed: number): { data: BackendData; params: Float64Array } {
  const rng = new Random(seed)
  const params = Float64Array.from({ length: features + 1 }, () => rng.uniform(-1, 1))
  const X = new Float32Array(rows * features)
  const y = new Float32Array(rows)
  for (let i = 0; i < rows; i++) {
    let t = params[features]!
    for (let j = 0; j < features; j++) {
      X[i * features + j] = 300 + rng.uniform(-1, 1)
      t += X[i * features + j]! * params[j]!
    }
    y[i] = t + 1e-3 * rng.uniform(-1, 1)
  }
  return { data: { X, y, rows, features }, params }
}

describe('f32 kernels: error within the stated bound on cancelling data', () => {
  for (const d of [16, 7, 32, 1]) {
    it(`${d} features, several chunks and a tail, full pass and a shuffled batch`, async () => {
      const n = chunkRowsFor(d) * 2 + 37
      const { data, params } = cancellingData(n, d, d)
      const b = new CpuBackend('f32')
      await b.load(data, null)
      expect(b.kernelInUse).toBe('wasm')
      const order = new Random(5).shuffle(Uint32Array.from({ length: n }, (_, i) => i))
      let tightest = 0
      const check = (start: number, end: number, rows: ArrayLike<number>, what: string) => {
        const exact = exactLossAndGradient(data, params, rows)
        const bound = f32PassErrorBound(data, params, rows)
        const grad = new Float64Array(d + 1)
        const loss = b.lossAndGradient(params, start, end, grad)
        const lossError = Math.abs(loss - exact.loss)
        expect(lossError, `${what} loss`).toBeLessThanOrEqual(bound.loss)
        tightest = Math.max(tightest, lossError / bound.loss)
        grad.forEach((gj, j) => {
          const err = Math.abs(gj - exact.grad[j]!)
          expect(err, `${what} ∂θ${j}`).toBeLessThanOrEqual(bound.grad[j]!)
          tightest = Math.max(tightest, err / bound.grad[j]!)
        })
      }
      check(0, n, Array.from({ length: n }, (_, i) => i), 'full pass')
      b.setOrder(order)
      check(100, n - 3, order.subarray(100, n - 3), 'shuffled batch')
      b.dispose()
      // A worst-case bound is loose by about √(terms) for random rounding; not by more.
      expect(tightest, 'largest error / bound').toBeGreaterThan(1e-3)
    })
  }
})
