import { toPrecision, type BackendData, type BackendDescription, type ComputeBackend, type DataSet, type Precision } from '../backend'
import { awaitJob, planLayout, publishJob, publishStop, slotStride, workOnJob, type KernelLayout } from './chunked-pass'
import { fusedPass } from './fused-pass'
import type { GradientThreadPool } from './gradient-threads'
import { chunkKernel, kernelModule, pagesFor, wasmKernelsUnavailable, webAssembly, type ChunkKernel, type WasmMemory } from './wasm-kernels'

export type CpuKernel = 'wasm' | 'typescript'

export interface CpuBackendOptions {
  /**
   * 'wasm' (the default): SIMD kernels on a shared WebAssembly memory, falling back to the
   * TypeScript kernel where WebAssembly SIMD or shared memory is missing or the data exceed 4 GiB
   * (`kernelInUse` and `fallbackReason` tell). 'typescript': the reference kernel (fused-pass.ts).
   */
  kernel?: CpuKernel
  /**
   * Helper threads for passes over more than one chunk of rows (gradient-threads.ts). Results are
   * bit-identical with or without them. The pool outlives the backend; the caller closes it.
   */
  threads?: GradientThreadPool | null
}

/**
 * CPU backend. With the WebAssembly kernels, rows are summed in fixed chunks (chunked-pass.ts)
 * whose sums are added in chunk order, so a run is bit-identical for any number of threads.
 * f64 data are summed in double. f32 data are multiplied and summed in f32 within blocks of 16
 * rows, and the block sums are added in double (no drift over a million rows; the error bound is
 * in kernel-wat.ts, f32UnrolledFunction, and evaluated by f32-error-bound.ts).
 */
export class CpuBackend implements ComputeBackend {
  readonly name = 'cpu'
  private readonly requested: CpuKernel
  private readonly pool: GradientThreadPool | null
  private train: BackendData | null = null
  private validation: BackendData | null = null
  private order: Uint32Array | null = null
  private wasm: WasmState | null = null
  /** Which kernel the loaded data run on. */
  kernelInUse: CpuKernel
  /** Why 'wasm' was requested but the TypeScript kernel runs; null otherwise. */
  fallbackReason: string | null = null

  constructor(
    readonly precision: Precision = 'f64',
    options: CpuBackendOptions = {},
  ) {
    this.requested = options.kernel ?? 'wasm'
    this.kernelInUse = this.requested
    this.pool = options.threads ?? null
  }

  /** Threads a large pass runs on: the caller's plus the pool's helpers. */
  get threadCount(): number {
    return 1 + (this.wasm && this.pool ? this.pool.helpers : 0)
  }

  async load(train: BackendData, validation: BackendData | null): Promise<void> {
    this.releaseWasm()
    this.train = toPrecision(train, this.precision)
    this.validation = validation && toPrecision(validation, this.precision)
    this.kernelInUse = 'typescript'
    if (this.requested !== 'wasm') return
    const { layout, bytes } = planLayout(this.precision, train.features, train.rows, validation?.rows ?? null)
    const pages = pagesFor(bytes)
    this.fallbackReason = wasmKernelsUnavailable() ?? (pages === null ? `the data (${(bytes / 2 ** 30).toFixed(1)} GiB) exceed the 4 GiB a WebAssembly memory can hold` : null)
    if (this.fallbackReason || pages === null) return
    const module = await kernelModule()
    const memory = new webAssembly!.Memory({ initial: pages, maximum: pages, shared: true })
    const instance = await webAssembly!.instantiate(module, { env: { memory } })
    const view = (offset: number, length: number) =>
      this.precision === 'f32' ? new Float32Array(memory.buffer, offset, length) : new Float64Array(memory.buffer, offset, length)
    const sets = [this.train, this.validation] as const
    layout.sets.forEach((offsets, s) => {
      const data = sets[s]
      if (!offsets || !data) return
      view(offsets.x, offsets.rows * layout.features).set(data.X)
      view(offsets.y, offsets.rows).set(data.y)
    })
    // The typed arrays now live in the shared memory; drop the copies outside it.
    this.train = null
    this.validation = null
    this.wasm = {
      layout,
      memory,
      kernel: chunkKernel(instance, this.precision, layout.features),
      params: new Float64Array(memory.buffer, layout.paramsOffset, layout.features + 1),
      slots: new Float64Array(memory.buffer, layout.slotsOffset, (slotStride(layout) / 8) * layout.maxChunks),
      order: new Uint32Array(memory.buffer, layout.orderOffset, layout.sets[0].rows),
      ordered: false,
      helpersAttached: false,
    }
    if (this.pool && this.pool.helpers > 0 && layout.maxChunks > 1) {
      try {
        await this.pool.attach({ module, memory, layout })
        this.wasm.helpersAttached = true
      } catch {
        // Helpers could not start (a deferred pool starts them here): this thread sums every chunk
        // alone, and any helper that did attach is released.
        publishStop(layout, memory)
      }
    }
    this.kernelInUse = 'wasm'
  }

  setOrder(order: Uint32Array | null): void {
    if (this.wasm) {
      // Copied into the shared memory (no allocation): the loop reshuffles its array in place.
      if (order) this.wasm.order.set(order)
      this.wasm.ordered = order !== null
    } else {
      this.order = order
    }
  }

  lossAndGradient(params: Float64Array, start: number, end: number, grad: Float64Array): number {
    if (this.wasm) return this.wasmPass(this.wasm, 0, params, start, end, grad)
    return fusedPass(this.require(this.train, 'train'), params, start, end, this.order, grad)
  }

  loss(params: Float64Array, set: DataSet): number {
    if (this.wasm) {
      const s = set === 'train' ? 0 : 1
      const offsets = this.wasm.layout.sets[s]
      if (!offsets) throw new Error(`CpuBackend: no ${set} data loaded`)
      return this.wasmPass(this.wasm, s, params, 0, offsets.rows, null)
    }
    const data = this.require(set === 'train' ? this.train : this.validation, set)
    return fusedPass(data, params, 0, data.rows, null, null)
  }

  describe(): BackendDescription {
    return { kernel: this.kernelInUse === 'wasm' ? 'wasm-simd' : 'typescript', threads: this.threadCount, note: this.fallbackReason }
  }

  dispose(): void {
    this.releaseWasm()
    this.train = null
    this.validation = null
    this.order = null
  }

  private releaseWasm(): void {
    if (this.wasm?.helpersAttached) publishStop(this.wasm.layout, this.wasm.memory)
    this.wasm = null
  }

  private require(data: BackendData | null, set: DataSet): BackendData {
    if (!data) throw new Error(`CpuBackend: no ${set} data loaded`)
    return data
  }

  /**
   * Chunks of rows [start, end): on helper threads too when there are several, each chunk's sums in
   * its own slot; then the slots are added in chunk order. Mean loss and (2/m)-scaled gradient.
   */
  private wasmPass(w: WasmState, set: 0 | 1, params: Float64Array, start: number, end: number, grad: Float64Array | null): number {
    const { layout, slots } = w
    const d = layout.features
    const m = end - start
    const chunks = Math.ceil(m / layout.chunkRows)
    const ordered = set === 0 && w.ordered
    w.params.set(params)
    const withGrad = grad !== null
    if (w.helpersAttached && chunks > 1) {
      const generation = publishJob(layout, w.memory, { set, start, end, withGrad, ordered, chunks })
      workOnJob(layout, w.memory, w.kernel, generation)
      awaitJob(layout, w.memory, chunks)
    } else {
      const offsets = layout.sets[set]!
      const order = ordered ? layout.orderOffset : 0
      const stride = slotStride(layout)
      for (let c = 0; c < chunks; c++) {
        const from = start + c * layout.chunkRows
        w.kernel(offsets.x, offsets.y, order, from, Math.min(end, from + layout.chunkRows), layout.paramsOffset, layout.slotsOffset + c * stride, withGrad ? 1 : 0)
      }
    }
    const stride = slotStride(layout) / 8
    let sse = 0
    for (let c = 0; c < chunks; c++) sse += slots[c * stride]!
    if (grad) {
      const scale = 2 / m // d/dθ mean(r²) = (2/m) Σ r ∂r/∂θ
      for (let j = 0; j <= d; j++) {
        let sum = 0
        for (let c = 0; c < chunks; c++) sum += slots[c * stride + 1 + j]!
        grad[j] = sum * scale
      }
    }
    return sse / m
  }
}

interface WasmState {
  layout: KernelLayout
  memory: WasmMemory
  kernel: ChunkKernel
  params: Float64Array
  slots: Float64Array
  order: Uint32Array
  ordered: boolean
  helpersAttached: boolean
}
