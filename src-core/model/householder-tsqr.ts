import { instantiateKernelsSync, type WasmInstance, type WasmMemory } from '../backends/cpu/wasm-kernels'

/**
 * Householder QR of a tall, skinny matrix by row blocks ("flat tree" TSQR; Demmel, Grigori,
 * Hoemmen & Langou, SIAM J. Sci. Comput. 34(1), 2012): the running R (p × p) is stacked on the next
 * block of rows and that (p + m) × p matrix is triangularized by p Householder reflectors. Each
 * reflector touches one row of R and the m rows of the block, so the block stays in cache while it
 * is factored and the whole matrix is read once. It is the same backward-stable Householder
 * process as the textbook column sweep, only applied in another order.
 *
 * The block is copied into a column-major tile in a WebAssembly memory, where SIMD kernels
 * (kernel-wat.ts: ls_dot, ls_reflect) apply the reflectors; where WebAssembly is unavailable the
 * same steps run on a Float64Array with the TypeScript versions below.
 */

/** Rows per block: a 128 × 33 tile of doubles (34 KB) stays in a 48 KB L1 cache. */
export const TSQR_BLOCK_ROWS = 128

export interface TallSkinnyQR {
  n: number
  p: number
  /** Upper-triangular R of the p columns, row-major p × p. */
  R: Float64Array
  /** Applies Qᵀ to z (length n, in place): returns its first p entries; z keeps the last n − p in its block slots. */
  applyQt(z: Float64Array): Float64Array
  /** z ← Q [top; z] (z in the block slots as applyQt left them). */
  applyQ(top: Float64Array, z: Float64Array): void
}

export interface Kernels {
  heap: Float64Array
  dot(a: number, b: number, len: number): number
  reflect(v: number, vtop: number, beta: number, len: number, col: number, colStride: number, ncols: number, top: number, topStride: number): void
}

/**
 * Memories kept between calls, one per slot, up to SCRATCH_MAX_BYTES each: a fresh 14 MB shared
 * memory per fit of 100k×16 cost more than its reflectors (page faults on first touch, then
 * garbage), and the least-squares fit needs two at once (the QR's tiles, the refinement's copy of X).
 * Larger problems allocate per call, so at most 2 × 64 MB stays held. A slot may be reused only by
 * a caller that is done with the previous holder's results before its next call (leastSquares is).
 */
const SCRATCH_MAX_BYTES = 64 * 2 ** 20
const scratch = new Map<string, { bytes: number; kernels: NonNullable<ReturnType<typeof instantiateKernelsSync>> }>()

export function kernelScratch(slot: string | undefined, bytes: number): ReturnType<typeof instantiateKernelsSync> {
  if (slot === undefined || bytes > SCRATCH_MAX_BYTES) return instantiateKernelsSync(bytes)
  const held = scratch.get(slot)
  if (held && held.bytes >= bytes) return held.kernels
  // Grow by half again so that slightly larger fits do not reallocate each time.
  const size = Math.min(SCRATCH_MAX_BYTES, Math.max(bytes, Math.ceil(bytes * 1.5)))
  const kernels = instantiateKernelsSync(size)
  if (kernels) scratch.set(slot, { bytes: size, kernels })
  return kernels
}

/** Offsets below are in doubles; the WebAssembly kernels take bytes. */
function wasmKernels(doubles: number, slot: string | undefined): Kernels | null {
  const k = kernelScratch(slot, doubles * 8)
  return k && bindKernels(k.instance, k.memory, doubles)
}

/** The QR kernels of an instance (on its memory's first `doubles` doubles), taking offsets in doubles. */
export function bindKernels(instance: WasmInstance, memory: WasmMemory, doubles: number): Kernels {
  const e = instance.exports as { ls_dot(a: number, b: number, len: number): number; ls_reflect(...args: number[]): void }
  return {
    heap: new Float64Array(memory.buffer, 0, doubles),
    dot: (a, b, len) => e.ls_dot(a * 8, b * 8, len),
    reflect: (v, vtop, beta, len, col, colStride, ncols, top, topStride) => e.ls_reflect(v * 8, vtop, beta, len, col * 8, colStride * 8, ncols, top * 8, topStride * 8),
  }
}

export function typescriptKernels(doubles: number): Kernels {
  const heap = new Float64Array(doubles)
  return {
    heap,
    dot(a, b, len) {
      let s = 0
      for (let i = 0; i < len; i++) s += heap[a + i]! * heap[b + i]!
      return s
    },
    reflect(v, vtop, beta, len, col, colStride, ncols, top, topStride) {
      for (let c = 0; c < ncols; c++, col += colStride, top += topStride) {
        let s = 0
        for (let i = 0; i < len; i++) s += heap[v + i]! * heap[col + i]!
        s = beta * (s + vtop * heap[top]!)
        heap[top]! -= s * vtop
        for (let i = 0; i < len; i++) heap[col + i]! -= s * heap[v + i]!
      }
    },
  }
}

/**
 * Factors the n × p matrix whose column j, row i is `column(i, j)` written into `dst` (a row
 * filler: fills one row's p values). `useWasm` false forces the TypeScript kernels (tests).
 * `scratch` names a kernelScratch slot to reuse: the returned QR is valid until that slot's next use.
 */
export function factorTallSkinny(n: number, p: number, fillRow: (i: number, dst: Float64Array, at: number, stride: number) => void, useWasm = true, scratchSlot?: string): TallSkinnyQR {
  const B = TSQR_BLOCK_ROWS
  const blocks = Math.ceil(n / B)
  // Heap: R (p × p, row-major) | tiles (n × p, block by block, column-major inside) | z (n) | top (p)
  const rAt = 0
  const tilesAt = p * p
  const zAt = tilesAt + n * p
  const topAt = zAt + n
  const doubles = topAt + p
  const k = (useWasm && wasmKernels(doubles, scratchSlot)) || typescriptKernels(doubles)
  const heap = k.heap
  heap.fill(0, rAt, rAt + p * p) // R starts at zero (a reused memory holds the last fit's)
  const vtop = new Float64Array(blocks * p)
  const betas = new Float64Array(blocks * p)
  const rows = (b: number) => Math.min(B, n - b * B)
  const tileAt = (b: number) => tilesAt + b * B * p

  for (let b = 0; b < blocks; b++) {
    const m = rows(b)
    const tile = tileAt(b)
    for (let i = 0; i < m; i++) fillRow(b * B + i, heap, tile + i, m)
    for (let j = 0; j < p; j++) {
      // Reflector for column j of [R; tile]: entries R[j][j] and the tile's column j.
      const col = tile + j * m
      const x0 = heap[rAt + j * p + j]!
      const alpha = Math.sqrt(x0 * x0 + k.dot(col, col, m))
      if (alpha === 0) {
        betas[b * p + j] = 0
        continue
      }
      const sign = x0 >= 0 ? 1 : -1
      const v0 = x0 + sign * alpha // v = x + sign(x₀)‖x‖e₁ avoids cancellation
      const beta = 1 / (alpha * (alpha + Math.abs(x0)))
      vtop[b * p + j] = v0
      betas[b * p + j] = beta
      if (j + 1 < p) k.reflect(col, v0, beta, m, col + m, m, p - j - 1, rAt + j * p + j + 1, 1)
      heap[rAt + j * p + j] = -sign * alpha
    }
  }

  const R = heap.slice(rAt, rAt + p * p)
  const reflectVector = (b: number, j: number) => {
    const m = rows(b)
    const beta = betas[b * p + j]!
    if (beta !== 0) k.reflect(tileAt(b) + j * m, vtop[b * p + j]!, beta, m, zAt + b * B, m, 1, topAt + j, 1)
  }
  return {
    n,
    p,
    R,
    applyQt(z) {
      heap.set(z, zAt)
      heap.fill(0, topAt, topAt + p)
      for (let b = 0; b < blocks; b++) for (let j = 0; j < p; j++) reflectVector(b, j)
      z.set(heap.subarray(zAt, zAt + n))
      return heap.slice(topAt, topAt + p)
    },
    applyQ(top, z) {
      heap.set(z, zAt)
      heap.set(top, topAt)
      for (let b = blocks - 1; b >= 0; b--) for (let j = p - 1; j >= 0; j--) reflectVector(b, j)
      z.set(heap.subarray(zAt, zAt + n))
    },
  }
}
