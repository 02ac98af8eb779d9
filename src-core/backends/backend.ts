/**
 * The one interface every compute backend implements (CPU typed arrays, WebGL2). The training
 * loop in src-core/train is written once against it; `conformance.ts` checks any implementation.
 *
 * Parameters are a Float64Array θ = (w₀ … w_{d−1}, b): the bias is always last and always
 * present (a model without intercept keeps it at 0). Optimizer state never leaves the loop, so
 * a backend only evaluates loss and gradient — the part that reads the data.
 */
export type Precision = 'f64' | 'f32'

/** One data set as uploaded: row-major n × d features and n targets. */
export interface BackendData {
  X: Float64Array | Float32Array
  y: Float64Array | Float32Array
  rows: number
  features: number
}

export type DataSet = 'train' | 'validation'

export interface ComputeBackend {
  readonly name: string
  readonly precision: Precision
  /** Upload once per run; validation may be absent. */
  load(train: BackendData, validation: BackendData | null): Promise<void>
  /**
   * Training rows visited in this order by `lossAndGradient` (a permutation of 0…n−1), or null
   * for the natural order. Mini-batch shuffling is this permutation, never a copy of the data.
   */
  setOrder(order: Uint32Array | null): void
  /**
   * MSE over training rows order[start…end) at θ — mean((ŷ − y)²), no ½, as torch.nn.MSELoss —
   * and its exact gradient written into `grad` (length d + 1). Returns the loss.
   */
  lossAndGradient(params: Float64Array, start: number, end: number, grad: Float64Array): number
  /** MSE over a whole data set at θ. */
  loss(params: Float64Array, set: DataSet): number
  /** Frees buffers and GPU resources; the backend is unusable afterwards. */
  dispose(): void
  /** After `load`: how this backend computes (shown with the run: kernel, threads, why a fallback). */
  describe?(): BackendDescription
}

export interface BackendDescription {
  /** e.g. 'wasm-simd', 'typescript', 'webgl2' */
  kernel: string
  threads: number
  /** Renderer, fallback reason… */
  note?: string | null
}

/** Copies a data set into the backend's storage precision. */
export function toPrecision(data: BackendData, precision: Precision): BackendData {
  if (precision === 'f64') {
    return {
      ...data,
      X: data.X instanceof Float64Array ? data.X : Float64Array.from(data.X),
      y: data.y instanceof Float64Array ? data.y : Float64Array.from(data.y),
    }
  }
  return {
    ...data,
    X: data.X instanceof Float32Array ? data.X : Float32Array.from(data.X),
    y: data.y instanceof Float32Array ? data.y : Float32Array.from(data.y),
  }
}
