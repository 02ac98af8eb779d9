import { chunkKernel, webAssembly, type WasmMemory, type WasmModule } from './wasm-kernels'
import { CONTROL_BYTES, ControlWord, workOnJob, type KernelLayout } from './chunked-pass'

/**
 * Multi-core gradients: the contract between the CPU backend (src-core, no threads of its own)
 * and whoever can start threads (src-main/workers/gradient-thread-pool.ts with node:worker_threads).
 *
 * The backend keeps its data in one shared WebAssembly memory. On `load` it hands every helper the
 * compiled kernels, that memory and the layout (`attach`); each helper then runs
 * `runGradientHelper`, which sleeps on the control block and claims chunks of each pass the
 * backend publishes. The backend's calling thread claims chunks too, then waits for the rest.
 * Chunk sums are reduced in chunk order by the caller (chunked-pass.ts), so the number of
 * threads never changes the result.
 */
export interface HelperSetup {
  module: WasmModule
  memory: WasmMemory
  layout: KernelLayout
}

export interface GradientThreadPool {
  /** Helper threads besides the caller's own (so a pool of 1 helper uses 2 cores). */
  readonly helpers: number
  /**
   * Starts every helper on `setup`: resolves once all of them wait for work. A helper stays with
   * one setup until the backend publishes a stop (its `dispose`), then accepts the next `attach`.
   */
  attach(setup: HelperSetup): Promise<void>
}

/**
 * A helper thread's whole life with one backend: instantiate the kernels on the shared memory,
 * then sleep until a job is published, work on it, and sleep again, until stopped. Blocks (it is
 * meant for a thread of its own, where Atomics.wait is allowed).
 */
export function runGradientHelper(setup: HelperSetup, ready: () => void): void {
  const { layout, memory } = setup
  const instance = new webAssembly!.Instance(setup.module, { env: { memory } })
  const kernel = chunkKernel(instance, layout.precision, layout.features)
  const words = new Int32Array(memory.buffer, layout.controlOffset, CONTROL_BYTES / 4)
  let seen = Atomics.load(words, ControlWord.Generation)
  ready()
  for (;;) {
    Atomics.wait(words, ControlWord.Generation, seen)
    seen = Atomics.load(words, ControlWord.Generation)
    if (Atomics.load(words, ControlWord.Stop) === 1) return
    workOnJob(layout, memory, kernel, seen)
  }
}
