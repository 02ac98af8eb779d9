import { kernelModule, streamRead, webAssembly, pagesFor } from '../src-core/backends/cpu/wasm-kernels'
import { medianMs } from './bench-suite'

/**
 * The stream bound: the time of one plain read over the same values a training epoch reads (the
 * row-major X), on this machine, now. Measured two ways; the faster is the bound:
 * - `simd`: a WebAssembly SIMD sum over a copy of the values in a WebAssembly memory (the same
 *   kind of memory the CPU backend reads), four accumulators so that it is load-bound;
 * - `loop`: a plain JavaScript loop summing the typed array.
 */
export async function streamBoundMs(X: Float32Array | Float64Array, reps: number): Promise<{ ms: number; simdMs: number; loopMs: number }> {
  const precision = X instanceof Float32Array ? 'f32' : 'f64'
  const pages = pagesFor(X.byteLength + 64)
  if (!webAssembly || pages === null) throw new Error('stream bound needs WebAssembly and < 4 GiB')
  const memory = new webAssembly.Memory({ initial: pages, maximum: pages, shared: true })
  const instance = await webAssembly.instantiate(await kernelModule(), { env: { memory } })
  ;(precision === 'f32' ? new Float32Array(memory.buffer, 0, X.length) : new Float64Array(memory.buffer, 0, X.length)).set(X)
  const read = streamRead(instance, precision)
  let sink = 0
  const simdMs = await medianMs(() => (sink += read(0, X.length)), reps, 3)
  const loopMs = await medianMs(() => {
    let s = 0
    for (let i = 0; i < X.length; i++) s += X[i]!
    sink += s
  }, reps, 3)
  if (sink === 42.4242) console.log('') // keeps the sums observable
  return { ms: Math.min(simdMs, loopMs), simdMs, loopMs }
}
