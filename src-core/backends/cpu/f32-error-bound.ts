import type { BackendData } from '../backend'
import { F32_BLOCK_ROWS, MAX_UNROLLED_FEATURES } from './kernel-wat'

/**
 * The a-priori error bound of the f32 WebAssembly kernels (kernel-wat.ts, f32UnrolledFunction,
 * where the bound is derived), evaluated for given data and θ: the largest |computed − exact| of
 * the mean loss and of each entry of its gradient (the (2/m)-scaled sums the backend returns).
 * The bound holds for every f32 kernel path: the looped kernel above MAX_UNROLLED_FEATURES and the
 * TypeScript kernel sum in double, well inside it. The tests hold the kernels to it.
 */
const U32 = 2 ** -24
const U64 = 2 ** -53
const gamma = (k: number, u: number) => (k * u) / (1 - k * u)

export function f32PassErrorBound(data: BackendData, params: Float64Array, rows: ArrayLike<number>): { loss: number; grad: Float64Array } {
  const d = data.features
  const m = rows.length
  const depth = Math.ceil(Math.log2(Math.ceil(Math.min(d, MAX_UNROLLED_FEATURES) / 4))) + 2
  const gDot = gamma(2 + depth, U32) // θ rounded to f32, the product, the tree of sums
  const gBlock = gamma(F32_BLOCK_ROWS + 1, U32) // r rounded to f32, the product, a block's f32 sum
  const g64 = gamma(m + 2, U64) // the f64 sums over rows, blocks and chunks, and the scaling
  const b = params[d]!
  let loss = 0
  const grad = new Float64Array(d + 1)
  for (let k = 0; k < m; k++) {
    const i = rows[k]!
    let r = b - data.y[i]!
    let a = 0
    for (let j = 0; j < d; j++) {
      r += data.X[i * d + j]! * params[j]!
      a += Math.abs(data.X[i * d + j]! * params[j]!)
    }
    // r̂ = ŝ + (b − y) in f64: two f64 roundings on top of the f32 dot product's error.
    const eps = gDot * a + gamma(2, U64) * (Math.abs(b - data.y[i]!) + 2 * a)
    const ar = Math.abs(r)
    loss += eps * (2 * ar + eps) + g64 * (ar + eps) ** 2
    for (let j = 0; j < d; j++) {
      const ax = Math.abs(data.X[i * d + j]!)
      grad[j]! += eps * ax + (gBlock + g64 * (1 + gBlock)) * (ar + eps) * ax
    }
    grad[d]! += eps + g64 * (ar + eps)
  }
  for (let j = 0; j <= d; j++) grad[j]! *= 2 / m
  return { loss: loss / m, grad }
}
