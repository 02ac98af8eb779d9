import { Random } from '../random'
import type { BackendData, ComputeBackend, Precision } from './backend'

/**
 * One conformance suite for every ComputeBackend. Cases are plain async functions that throw on
 * failure, so the same cases run under vitest in Node (CPU) and inside Chromium through
 * Playwright (WebGL). References are computed here with deliberately naive loops, independent of
 * any backend's kernel.
 */
export type BackendFactory = (precision: Precision) => Promise<ComputeBackend>

export interface ConformanceOptions {
  precisions: Precision[]
  /** Allowed relative error of loss and gradient against the double-precision reference. */
  tolerance: Record<Precision, number>
}

export interface ConformanceCase {
  name: string
  run(make: BackendFactory, options: ConformanceOptions): Promise<void>
}

export class ConformanceFailure extends Error {}

function assertClose(actual: number, expected: number, tol: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300)
  if (!(err <= tol)) throw new ConformanceFailure(`${what}: got ${actual}, expected ${expected} (relative error ${err.toExponential(2)} > ${tol})`)
}

function assertVectorClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  // Relative to the vector's largest entry: single entries of a gradient can be ~0 by symmetry.
  let scale = 0
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!))
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / scale
    if (!(err <= tol)) throw new ConformanceFailure(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (error ${err.toExponential(2)} of max |entry| > ${tol})`)
  }
}

/** Seeded data with mixed scales and a non-zero mean, stored already rounded to `precision`. */
export function syntheticData(rows: number, features: number, seed: number, precision: Precision): BackendData {
  const rng = new Random(seed)
  const X = precision === 'f32' ? new Float32Array(rows * features) : new Float64Array(rows * features)
  const y = precision === 'f32' ? new Float32Array(rows) : new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    let t = 0.5
    for (let j = 0; j < features; j++) {
      const v = rng.uniform(-2, 3) * (1 + j / 4)
      X[i * features + j] = v
      t += ((j % 3) - 1) * 0.7 * v
    }
    y[i] = t + rng.uniform(-1, 1)
  }
  return { X, y, rows, features }
}

function randomParams(features: number, seed: number): Float64Array {
  const rng = new Random(seed)
  return Float64Array.from({ length: features + 1 }, () => rng.uniform(-1, 1))
}

/** Reference loss and gradient over the given rows, in double, written as plainly as possible. */
export function referenceLossAndGradient(data: BackendData, params: Float64Array, rows: ArrayLike<number>): { loss: number; grad: Float64Array } {
  const d = data.features
  const grad = new Float64Array(d + 1)
  let loss = 0
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!
    let prediction = params[d]!
    for (let j = 0; j < d; j++) prediction += data.X[i * d + j]! * params[j]!
    const r = prediction - data.y[i]!
    loss += r * r
    for (let j = 0; j < d; j++) grad[j]! += (2 * r * data.X[i * d + j]!) / rows.length
    grad[d]! += (2 * r) / rows.length
  }
  return { loss: loss / rows.length, grad }
}

const range = (start: number, end: number) => Array.from({ length: end - start }, (_, k) => start + k)

async function withBackend(make: BackendFactory, precision: Precision, train: BackendData, validation: BackendData | null, body: (b: ComputeBackend) => void): Promise<void> {
  const backend = await make(precision)
  try {
    await backend.load(train, validation)
    body(backend)
  } finally {
    backend.dispose()
  }
}

/** Shapes that trip unrolled or tiled kernels: 1 row, odd counts, one feature, many features. */
const shapes: [rows: number, features: number][] = [
  [1, 1],
  [7, 3],
  [15, 1],
  [1000, 16],
  [1003, 5],
  [257, 33],
]

export const conformanceCases: ConformanceCase[] = [
  {
    name: 'loss is mean((x·w + b − y)²) over all rows',
    async run(make, { precisions, tolerance }) {
      for (const precision of precisions) {
        for (const [n, d] of shapes) {
          const data = syntheticData(n, d, n * 31 + d, precision)
          const params = randomParams(d, 7)
          const ref = referenceLossAndGradient(data, params, range(0, n))
          await withBackend(make, precision, data, null, (b) => assertClose(b.loss(params, 'train'), ref.loss, tolerance[precision], `${precision} ${n}×${d} loss`))
        }
      }
    },
  },
  {
    name: 'gradient of MSE matches the closed form (2/n)·Xᵀr and (2/n)·Σr',
    async run(make, { precisions, tolerance }) {
      for (const precision of precisions) {
        for (const [n, d] of shapes) {
          const data = syntheticData(n, d, n * 17 + d, precision)
          const params = randomParams(d, 11)
          const ref = referenceLossAndGradient(data, params, range(0, n))
          await withBackend(make, precision, data, null, (b) => {
            const grad = new Float64Array(d + 1)
            const loss = b.lossAndGradient(params, 0, n, grad)
            assertClose(loss, ref.loss, tolerance[precision], `${precision} ${n}×${d} loss`)
            assertVectorClose(grad, ref.grad, tolerance[precision], `${precision} ${n}×${d} gradient`)
          })
        }
      }
    },
  },
  {
    name: 'gradient agrees with central finite differences of the loss',
    async run(make, { precisions }) {
      // MSE is quadratic in θ, so central differences have no truncation error at any step h; only
      // the rounding of the two losses remains, ≈ (relative loss error)·L/h. f64 keeps the classic
      // small step; f32 (loss errors up to ~1e-6 relative) takes a large one, which leaves ~1e-6.
      const steps: Record<Precision, { h: number; tolerance: number }> = { f64: { h: 1e-5, tolerance: 1e-6 }, f32: { h: 0.25, tolerance: 1e-5 } }
      for (const precision of precisions) {
        const { h, tolerance } = steps[precision]
        const data = syntheticData(50, 4, 3, precision)
        const params = randomParams(4, 5)
        await withBackend(make, precision, data, null, (b) => {
          const grad = new Float64Array(5)
          b.lossAndGradient(params, 0, 50, grad)
          for (let j = 0; j <= 4; j++) {
            const plus = params.slice()
            const minus = params.slice()
            plus[j]! += h
            minus[j]! -= h
            const numeric = (b.loss(plus, 'train') - b.loss(minus, 'train')) / (2 * h)
            assertClose(grad[j]!, numeric, tolerance, `${precision} ∂L/∂θ${j}`)
          }
        })
      }
    },
  },
  {
    name: 'mini-batch ranges follow the row order given by setOrder',
    async run(make, { precisions, tolerance }) {
      for (const precision of precisions) {
        const n = 103
        const d = 6
        const data = syntheticData(n, d, 29, precision)
        const params = randomParams(d, 13)
        const order = new Random(4).shuffle(Uint32Array.from(range(0, n)))
        await withBackend(make, precision, data, null, (b) => {
          b.setOrder(order)
          for (const [start, end] of [[0, 32], [32, 64], [96, 103]] as const) {
            const ref = referenceLossAndGradient(data, params, order.subarray(start, end))
            const grad = new Float64Array(d + 1)
            const loss = b.lossAndGradient(params, start, end, grad)
            assertClose(loss, ref.loss, tolerance[precision], `${precision} batch [${start}, ${end}) loss`)
            assertVectorClose(grad, ref.grad, tolerance[precision], `${precision} batch [${start}, ${end}) gradient`)
          }
          b.setOrder(null)
          const natural = referenceLossAndGradient(data, params, range(0, 10))
          const grad = new Float64Array(d + 1)
          assertClose(b.lossAndGradient(params, 0, 10, grad), natural.loss, tolerance[precision], `${precision} natural order restored`)
        })
      }
    },
  },
  {
    // 20,000 × 9 is several of the CPU backend's row chunks (chunked-pass.ts) and more rows than a
    // WebGL texture is wide: blocked reductions must still add every row exactly once.
    name: 'many rows: full pass and a shuffled batch spanning blocks of rows',
    async run(make, { precisions, tolerance }) {
      for (const precision of precisions) {
        const n = 20000
        const d = 9
        const data = syntheticData(n, d, 41, precision)
        const params = randomParams(d, 17)
        const full = referenceLossAndGradient(data, params, range(0, n))
        const order = new Random(8).shuffle(Uint32Array.from(range(0, n)))
        const batch = referenceLossAndGradient(data, params, order.subarray(3000, 19001))
        await withBackend(make, precision, data, null, (b) => {
          const grad = new Float64Array(d + 1)
          assertClose(b.lossAndGradient(params, 0, n, grad), full.loss, tolerance[precision], `${precision} ${n}×${d} loss`)
          assertVectorClose(grad, full.grad, tolerance[precision], `${precision} ${n}×${d} gradient`)
          b.setOrder(order)
          assertClose(b.lossAndGradient(params, 3000, 19001, grad), batch.loss, tolerance[precision], `${precision} batch loss`)
          assertVectorClose(grad, batch.grad, tolerance[precision], `${precision} batch gradient`)
        })
      }
    },
  },
  {
    name: 'validation loss is computed on the validation set',
    async run(make, { precisions, tolerance }) {
      for (const precision of precisions) {
        const train = syntheticData(40, 3, 1, precision)
        const validation = syntheticData(25, 3, 2, precision)
        const params = randomParams(3, 3)
        const ref = referenceLossAndGradient(validation, params, range(0, 25))
        await withBackend(make, precision, train, validation, (b) => assertClose(b.loss(params, 'validation'), ref.loss, tolerance[precision], `${precision} validation loss`))
      }
    },
  },
  {
    name: 'the tutorial: at w = b = 0 the loss is mean(y²) = 5.9467032',
    async run(make, { precisions, tolerance }) {
      const x = [3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167, 7.042, 10.791, 5.313, 7.997, 3.1]
      const y = [1.7, 2.76, 2.09, 3.19, 1.694, 1.573, 3.366, 2.596, 2.53, 1.221, 2.827, 3.465, 1.65, 2.904, 1.3]
      for (const precision of precisions) {
        const data: BackendData = { X: Float64Array.from(x), y: Float64Array.from(y), rows: 15, features: 1 }
        // Σy² = 89.200548 exactly in decimal; /15 = 5.9467032
        await withBackend(make, precision, data, null, (b) => assertClose(b.loss(new Float64Array(2), 'train'), 5.9467032, Math.max(tolerance[precision], 1e-7), `${precision} tutorial loss`))
      }
    },
  },
]
