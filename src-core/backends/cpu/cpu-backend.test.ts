import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeGradientThreadPool } from '../../../src-main/workers/gradient-thread-pool'
import { Random } from '../../random'
import { parseTrainConfig } from '../../train/config'
import { runTrainingLoop } from '../../train/train-loop'
import type { Precision } from '../backend'
import { conformanceCases, referenceLossAndGradient, syntheticData, type ConformanceOptions } from '../conformance'
import { chunkRowsFor } from './chunked-pass'
import { CpuBackend, type CpuBackendOptions } from './cpu-backend'
import { f32PassErrorBound } from './f32-error-bound'

// f64: only summation order differs from the reference. f32: the WebAssembly kernels sum f32
// products in f32 over blocks of rows; the tolerance is their error bound (f32-error-bound.ts)
// relative to the loss and to the gradient's largest entry, the worst over the suite's shapes on
// its kind of data (syntheticData, θ uniform in (−1, 1)), with a factor 4 for other seeds.
function f32Tolerance(): number {
  let worst = 0
  for (const [n, d] of [[1, 1], [7, 3], [15, 1], [1000, 16], [1003, 5], [257, 33]] as const) {
    for (let seed = 1; seed <= 3; seed++) {
      const data = syntheticData(n, d, seed, 'f32')
      const rng = new Random(seed)
      const params = Float64Array.from({ length: d + 1 }, () => rng.uniform(-1, 1))
      const rows = Array.from({ length: n }, (_, i) => i)
      const ref = referenceLossAndGradient(data, params, rows)
      const bound = f32PassErrorBound(data, params, rows)
      const scale = Math.max(...Array.from(ref.grad, Math.abs))
      worst = Math.max(worst, bound.loss / ref.loss, ...Array.from(bound.grad, (b) => b / scale))
    }
  }
  return 4 * worst
}
const options: ConformanceOptions = { precisions: ['f64', 'f32'], tolerance: { f64: 1e-12, f32: f32Tolerance() } }

function conformance(label: string, backendOptions: () => CpuBackendOptions) {
  describe(`cpu backend conformance: ${label}`, () => {
    for (const c of conformanceCases) it(c.name, () => c.run(async (p) => new CpuBackend(p, backendOptions()), options))
  })
}

conformance('TypeScript reference kernel', () => ({ kernel: 'typescript' }))
conformance('WebAssembly SIMD kernels', () => ({ kernel: 'wasm' }))

describe('kernel selection', () => {
  it('runs the WebAssembly kernels by default in Node (no silent fallback)', async () => {
    for (const precision of ['f32', 'f64'] as const) {
      const b = new CpuBackend(precision)
      await b.load(syntheticData(10, 3, 1, precision), null)
      expect(b.fallbackReason).toBeNull()
      expect(b.kernelInUse).toBe('wasm')
      b.dispose()
    }
  })

  it('runs the TypeScript kernel when asked', async () => {
    const b = new CpuBackend('f64', { kernel: 'typescript' })
    await b.load(syntheticData(10, 3, 1, 'f64'), null)
    expect(b.kernelInUse).toBe('typescript')
  })

  it('covers every feature count: unrolled kernels up to 32 features and the looped one beyond', async () => {
    for (const d of [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40]) {
      for (const precision of ['f32', 'f64'] as const) {
        const data = syntheticData(37, d, d, precision)
        const params = Float64Array.from({ length: d + 1 }, (_, j) => Math.sin(j + 1))
        const ref = referenceLossAndGradient(data, params, Array.from({ length: 37 }, (_, i) => i))
        const b = new CpuBackend(precision)
        await b.load(data, null)
        const grad = new Float64Array(d + 1)
        const loss = b.lossAndGradient(params, 0, 37, grad)
        if (precision === 'f32') {
          // f32 arithmetic: held to its stated bound (the f64 reference errs ~1e-16 of it).
          const bound = f32PassErrorBound(data, params, Array.from({ length: 37 }, (_, i) => i))
          expect(Math.abs(loss - ref.loss), `f32 d=${d} loss`).toBeLessThanOrEqual(bound.loss)
          grad.forEach((g, j) => expect(Math.abs(g - ref.grad[j]!), `f32 d=${d} ∂θ${j}`).toBeLessThanOrEqual(bound.grad[j]!))
        } else {
          expect(loss / ref.loss - 1).toBeCloseTo(0, 12)
          const scale = Math.max(...Array.from(ref.grad, Math.abs))
          grad.forEach((g, j) => expect(Math.abs(g - ref.grad[j]!) / scale, `${precision} d=${d} ∂θ${j}`).toBeLessThan(1e-12))
        }
        b.dispose()
      }
    }
  })
})

describe('cpu backend on helper threads (real worker_threads over one SharedArrayBuffer)', () => {
  const pools: NodeGradientThreadPool[] = []
  beforeAll(async () => {
    pools.push(await NodeGradientThreadPool.start(1), await NodeGradientThreadPool.start(2))
  }, 60_000)
  afterAll(async () => {
    for (const p of pools) await p.close()
  })

  conformance('1 helper thread', () => ({ threads: pools[0]! }))

  /** Loss and gradient for full passes and mini-batches that straddle chunk boundaries. */
  async function sums(precision: Precision, threads: NodeGradientThreadPool | null): Promise<number[]> {
    const d = 16
    const n = chunkRowsFor(d) * 3 + 1234 // four chunks, the last one partial
    const data = syntheticData(n, d, 5, precision)
    const b = new CpuBackend(precision, { threads })
    await b.load(data, syntheticData(n, d, 6, precision))
    expect(b.threadCount).toBe(1 + (threads?.helpers ?? 0))
    const params = Float64Array.from({ length: d + 1 }, (_, j) => 0.3 * Math.cos(j))
    const grad = new Float64Array(d + 1)
    const out = [b.lossAndGradient(params, 0, n, grad), ...grad, b.loss(params, 'validation')]
    b.setOrder(new Random(9).shuffle(Uint32Array.from({ length: n }, (_, i) => i)))
    out.push(b.lossAndGradient(params, 1000, n - 7, grad), ...grad)
    b.dispose()
    return out
  }

  for (const precision of ['f64', 'f32'] as const) {
    it(`${precision}: results are bit-identical with 0, 1 and 2 helper threads`, async () => {
      const alone = await sums(precision, null)
      const one = await sums(precision, pools[0]!)
      const two = await sums(precision, pools[1]!)
      expect(one).toEqual(alone) // toEqual on numbers is Object.is: exact bits
      expect(two).toEqual(alone)
    })
  }

  it('the multi-threaded passes agree with the plain reference', async () => {
    const d = 16
    const n = chunkRowsFor(d) * 2 + 17
    const data = syntheticData(n, d, 8, 'f64')
    const params = Float64Array.from({ length: d + 1 }, (_, j) => Math.sin(j))
    const ref = referenceLossAndGradient(data, params, Array.from({ length: n }, (_, i) => i))
    const b = new CpuBackend('f64', { threads: pools[1]! })
    await b.load(data, null)
    const grad = new Float64Array(d + 1)
    expect(Math.abs(b.lossAndGradient(params, 0, n, grad) / ref.loss - 1)).toBeLessThan(1e-12)
    const scale = Math.max(...Array.from(ref.grad, Math.abs))
    grad.forEach((g, j) => expect(Math.abs(g - ref.grad[j]!) / scale).toBeLessThan(1e-12))
    b.dispose()
  })

  it('a training run with the same seed is bit-identical on 1 and 3 threads', async () => {
    const d = 5
    const n = chunkRowsFor(d) * 2 + 99
    const data = syntheticData(n, d, 3, 'f32')
    const run = async (threads: NodeGradientThreadPool | null, batchSize: number | null) => {
      const config = parseTrainConfig({ epochs: 4, learningRate: 0.01, momentum: 0.9, batchSize, precision: 'f32', seed: 7 })
      const b = new CpuBackend('f32', { threads })
      await b.load(data, null)
      const result = runTrainingLoop(b, config, { features: d, trainRows: n, hasValidation: false }, new Float64Array(d + 1))
      b.dispose()
      return [...result.loss, ...result.params]
    }
    for (const batch of [null, 30000]) expect(await run(pools[1]!, batch)).toEqual(await run(null, batch))
  })

  it('a pool serves one backend after another', async () => {
    for (let k = 0; k < 3; k++) {
      const d = 3
      const n = chunkRowsFor(d) + 5
      const data = syntheticData(n, d, k, 'f64')
      const b = new CpuBackend('f64', { threads: pools[0]! })
      await b.load(data, null)
      const params = new Float64Array(d + 1).fill(0.5)
      const ref = referenceLossAndGradient(data, params, Array.from({ length: n }, (_, i) => i))
      expect(Math.abs(b.loss(params, 'train') / ref.loss - 1)).toBeLessThan(1e-12)
      b.dispose()
    }
  })
})
