import { toPrecision, type BackendData, type ComputeBackend, type DataSet, type Precision } from '../backend'

/**
 * CPU backend: one fused pass per call reads each row once, computing the residual
 * r = x·w + b − y, the loss Σr² and the gradient Σ r·x together. Accumulation is in double
 * whatever the storage precision (f32 data still sums in f64: no drift over a million rows).
 */
export class CpuBackend implements ComputeBackend {
  readonly name = 'cpu'
  private train: BackendData | null = null
  private validation: BackendData | null = null
  private order: Uint32Array | null = null

  constructor(readonly precision: Precision = 'f64') {}

  async load(train: BackendData, validation: BackendData | null): Promise<void> {
    this.train = toPrecision(train, this.precision)
    this.validation = validation && toPrecision(validation, this.precision)
  }

  setOrder(order: Uint32Array | null): void {
    this.order = order
  }

  lossAndGradient(params: Float64Array, start: number, end: number, grad: Float64Array): number {
    const data = this.require(this.train, 'train')
    return fusedPass(data, params, start, end, this.order, grad)
  }

  loss(params: Float64Array, set: DataSet): number {
    const data = this.require(set === 'train' ? this.train : this.validation, set)
    return fusedPass(data, params, 0, data.rows, null, null)
  }

  dispose(): void {
    this.train = null
    this.validation = null
    this.order = null
  }

  private require(data: BackendData | null, set: DataSet): BackendData {
    if (!data) throw new Error(`CpuBackend: no ${set} data loaded`)
    return data
  }
}

/** Loss (and, when `grad` is given, its gradient) over rows [start, end) of `order` (or 0…n−1). */
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
