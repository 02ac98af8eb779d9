import type { Precision } from '../backend'
import { MAX_UNROLLED_FEATURES } from './kernel-wat'
import { kernelWasmBase64 } from './kernel-wasm-bytes'

/**
 * The compiled SIMD kernels (kernel-wat.ts) and the layout of the one shared WebAssembly memory a
 * CPU backend keeps its data in. The memory is shared (a SharedArrayBuffer underneath) so that
 * helper threads (gradient-threads.ts) run the same kernels on the same bytes, with no copies.
 */

/**
 * The part of the WebAssembly JavaScript API used here, typed locally: src-core compiles with the
 * ES2023 library (no WebAssembly types) and, inside the renderer's type check, with the DOM
 * library (which has them); a global declaration would clash with the latter.
 */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer
}
/** A compiled module: opaque, postable to other threads. */
export interface WasmModule {
  readonly __wasmModule?: never
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory
  Instance: new (module: WasmModule, imports: object) => WasmInstance
  Module: new (bytes: Uint8Array) => WasmModule
  compile(bytes: Uint8Array): Promise<WasmModule>
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>
  validate(bytes: Uint8Array): boolean
}
export const webAssembly: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly

/** (x, y, order, start, end, params, out, withGrad): see kernel-wat.ts. Pointers are byte offsets. */
export type ChunkKernel = (x: number, y: number, order: number, start: number, end: number, params: number, out: number, withGrad: number) => void

const WASM_PAGE = 65536
/** Shared memories are limited to 65,536 pages (4 GiB) with 32-bit addresses. */
const MAX_PAGES = 65536

let compiled: Promise<WasmModule> | null = null

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Why the kernels cannot run here (no WebAssembly SIMD or no shared memory), or null. */
let unavailable: string | null | undefined

export function wasmKernelsUnavailable(): string | null {
  if (unavailable === undefined) unavailable = checkKernels()
  return unavailable
}

function checkKernels(): string | null {
  if (!webAssembly) return 'this JavaScript engine has no WebAssembly'
  if (typeof SharedArrayBuffer === 'undefined') return 'shared memory (SharedArrayBuffer) is disabled here'
  try {
    if (!webAssembly.validate(decodeBase64(kernelWasmBase64))) return 'this engine lacks WebAssembly SIMD or threads'
  } catch (e) {
    return `WebAssembly validation failed: ${(e as Error).message}`
  }
  return null
}

/** Compiled once per thread and reused by every backend (and posted to helper threads). */
export function kernelModule(): Promise<WasmModule> {
  if (!webAssembly) return Promise.reject(new Error('no WebAssembly'))
  compiled ??= webAssembly.compile(decodeBase64(kernelWasmBase64))
  return compiled
}

let compiledSync: WasmModule | null = null

/**
 * The kernels on a fresh shared memory of at least `bytes`, synchronously (for callers that cannot
 * await, such as leastSquares); null where WebAssembly is unavailable or `bytes` exceed 4 GiB.
 */
export function instantiateKernelsSync(bytes: number): { memory: WasmMemory; instance: WasmInstance } | null {
  const pages = pagesFor(bytes)
  if (!webAssembly || pages === null || wasmKernelsUnavailable() !== null) return null
  try {
    compiledSync ??= new webAssembly.Module(decodeBase64(kernelWasmBase64))
    const memory = new webAssembly.Memory({ initial: pages, maximum: pages, shared: true })
    return { memory, instance: new webAssembly.Instance(compiledSync, { env: { memory } }) }
  } catch {
    // A browser's main thread refuses synchronous compilation of modules over 4 KB, and a memory
    // this large may not be available: the caller falls back to its TypeScript kernels.
    return null
  }
}

/** Bytes → wasm pages, or null when the data do not fit a 32-bit shared memory. */
export function pagesFor(bytes: number): number | null {
  const pages = Math.ceil(bytes / WASM_PAGE)
  return pages <= MAX_PAGES ? pages : null
}

/** The kernel for `features` columns stored in `precision`, bound to an instance's exports. */
export function chunkKernel(instance: WasmInstance, precision: Precision, features: number): ChunkKernel {
  const exports = instance.exports as Record<string, (...args: number[]) => void>
  if (features <= MAX_UNROLLED_FEATURES) return exports[`${precision}_${features}`] as ChunkKernel
  const looped = exports[`${precision}_any`]!
  return (x, y, order, start, end, params, out, withGrad) => looped(x, y, order, start, end, params, out, withGrad, features)
}

/** A plain SIMD read of `count` values at `x` (the stream bound of the benchmarks). */
export function streamRead(instance: WasmInstance, precision: Precision): (x: number, count: number) => number {
  return (instance.exports as Record<string, (x: number, count: number) => number>)[`${precision}_read`]!
}
