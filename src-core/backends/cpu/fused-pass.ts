import type { BackendData } from '../backend'

/**
 * The TypeScript reference kernel: one fused pass per call reads each row once, computing the
 * residual r = x·w + b − y, the loss Σr² and the gradient Σ r·x together, accumulating in double
 * whatever the storage precision. The WebAssembly kernels (kernel-wat.ts) compute the same sums in
 * another order (and, for f32 data, in f32 within blocks of rows, under a stated bound); this one
 * is kept plain, as the fallback where WebAssembly is unavailable.
 *
 * Loss (and, when `grad` is given, its gradient) over rows [start, end) of `order` (or 0…n−1).
 */
export function fusedPass(
  data: BackendData,
  params: Float64Array,
  start: number,
  end: number,
  order: Uint32Array | null,
  grad: Float64Array | null,
): number {
  const { X, y } = data
  const d = data.features
  const b = params[d]!
  const m = end - start
  if (grad) grad.fill(0)
  let sse = 0
  let sumR = 0
  for (let k = start; k < end; k++) {
    const i = order ? order[k]! : k
    const o = i * d
    let r = b - y[i]!
    for (let j = 0; j < d; j++) r += X[o + j]! * params[j]!
    sse += r * r
    if (grad) {
      sumR += r
      for (let j = 0; j < d; j++) grad[j]! += r * X[o + j]!
    }
  }
  if (grad) {
    const scale = 2 / m // d/dθ mean(r²) = (2/m) Σ r ∂r/∂θ
    for (let j = 0; j < d; j++) grad[j]! *= scale
    grad[d] = sumR * scale
  }
  return sse / m
}
