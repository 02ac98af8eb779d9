import type { BackendData, Precision } from '../../src-core/backends/backend'
import { syntheticData } from '../../src-core/backends/conformance'
import { CpuBackend } from '../../src-core/backends/cpu/cpu-backend'
import type { GradientThreadPool } from '../../src-core/backends/cpu/gradient-threads'
import { tutorialX, tutorialY } from '../../src-core/testing/tutorial'
import { parseTrainConfig } from '../../src-core/train/config'
import { runTrainingLoop } from '../../src-core/train/train-loop'
import { NodeGradientThreadPool } from '../../src-main/workers/gradient-thread-pool'
import { medianMs, type BenchContext, type BenchRow, type BenchSuite } from '../bench-suite'
import { baselineMissing, runBaseline } from '../python-baselines'
import { streamBoundMs } from '../stream-bound'

/**
 * Training throughput: Slope's training loop (runTrainingLoop + CpuBackend, plain SGD) against
 * PyTorch's tutorial loop and numpy's X @ w, X.T @ r on the same shapes, and against the stream
 * bound (one plain read of X). Every figure is milliseconds per epoch, median of several runs
 * after warm-up; the ratios are Slope / baseline (below 1: Slope is faster).
 */
interface Shape {
  rows: number
  features: number
  /** Epochs per timed run: full batch, mini-batch. */
  epochs: [full: number, mini: number]
}

const ratio = (a: number, b: number | null) => (b === null || b === 0 ? null : a / b)

/**
 * `--case TEXT` (repeatable, after `npm run bench -- --suite training`): only the cases whose
 * shape and precision contain TEXT, e.g. `--case '500k×16 f32' --case '1M×32 f32'` (`x` works for
 * `×`; `tutorial` selects the tutorial rows). Without it every case runs; a filter also lifts
 * `--quick`'s omission of 1M×32.
 */
const caseFilters = process.argv.flatMap((a, i, all) => (a === '--case' ? [all[i + 1] ?? ''] : a.startsWith('--case=') ? [a.slice(7)] : [])).map((f) => f.replace(/(\d)x(\d)/g, '$1×$2'))
const selected = (label: string) => caseFilters.length === 0 || caseFilters.some((f) => label.includes(f))

async function slopeMsPerEpoch(data: BackendData, precision: Precision, epochs: number, batchSize: number | null, threads: GradientThreadPool | null, reps: number): Promise<number> {
  const backend = new CpuBackend(precision, { threads })
  await backend.load(data, null)
  if (backend.kernelInUse !== 'wasm') throw new Error(`expected the WebAssembly kernels: ${backend.fallbackReason}`)
  const config = parseTrainConfig({ epochs, learningRate: 1e-4, batchSize, precision, standardize: false })
  const dims = { features: data.features, trainRows: data.rows, hasValidation: false }
  const init = new Float64Array(data.features + 1)
  const ms = await medianMs(() => runTrainingLoop(backend, config, dims, init), reps, 2)
  backend.dispose()
  return ms / epochs
}

function torchMsPerEpoch(rows: number, features: number, precision: Precision, epochs: number, batch: number | null, threads: number, reps: number): number | null {
  const r = runBaseline({ kind: 'torch_gd', rows, features, dtype: precision === 'f32' ? 'float32' : 'float64', epochs, batch, threads, reps })
  return r && r.ms / epochs
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const torchNote = baselineMissing('torch_gd')
  const numpyNote = baselineMissing('numpy_gd')
  const skipped = [torchNote && `PyTorch skipped: ${torchNote}`, numpyNote && `numpy skipped: ${numpyNote}`].filter(Boolean).join('; ')
  const reps = ctx.quick ? 3 : 7
  const pool = await NodeGradientThreadPool.start(1)

  // The tutorial: 15 rows × 1 feature, 50 epochs; PyTorch pays its per-operation overhead here.
  for (const precision of ['f32', 'f64'] as const) {
    if (!selected(`tutorial ${precision}`)) continue
    const data: BackendData = { X: Float64Array.from(tutorialX), y: Float64Array.from(tutorialY), rows: 15, features: 1 }
    const slope = await slopeMsPerEpoch(data, precision, 50, null, null, ctx.quick ? 101 : 1001)
    const long = await slopeMsPerEpoch(data, precision, ctx.quick ? 100_000 : 1_000_000, null, null, ctx.quick ? 1 : 3)
    const torch = torchMsPerEpoch(15, 1, precision, 50, null, 1, ctx.quick ? 5 : 21)
    rows.push({
      suite: 'training',
      case: `tutorial 15×1 ${precision}, 50 epochs (ms/epoch)`,
      ms: slope,
      baselines: { torch },
      ratios: { torch: ratio(slope, torch) },
      notes: `${torch === null ? skipped : `Slope ${(torch / slope).toFixed(0)}× faster per epoch`}; in a run of ${ctx.quick ? '100k' : '1M'} epochs ${(long * 1e6).toFixed(0)} ns/epoch`,
      extra: { msPerEpochLongRun: long, longRunEpochs: ctx.quick ? 100_000 : 1_000_000 },
    })
  }

  const allShapes: Shape[] = [
    { rows: 100_000, features: 16, epochs: [100, 2] },
    { rows: 500_000, features: 16, epochs: [40, 1] },
    ...(ctx.quick && caseFilters.length === 0 ? [] : [{ rows: 1_000_000, features: 32, epochs: [10, 1] } as Shape]),
  ]
  const shapes = allShapes.filter((s) => ['f32', 'f64'].some((p) => selected(`${shapeLabel(s)} ${p}`)))
  for (const shape of shapes) {
    const { rows: n, features: d } = shape
    const f64 = syntheticData(n, d, 1, 'f64')
    for (const precision of ['f32', 'f64'] as const) {
      if (!selected(`${shapeLabel(shape)} ${precision}`)) continue
      const data = precision === 'f64' ? f64 : { ...f64, X: Float32Array.from(f64.X), y: Float32Array.from(f64.y) }
      const dtype = precision === 'f32' ? 'float32' : 'float64'
      const label = shapeLabel(shape)
      const bound = await streamBoundMs(data.X, reps)
      rows.push({
        suite: 'training',
        case: `stream bound: one read of X ${label} ${precision}`,
        ms: bound.ms,
        baselines: { 'numpy X.sum()': runBaseline({ kind: 'numpy_read', rows: n, features: d, dtype, reps })?.ms ?? null },
        ratios: {},
        notes: `WebAssembly SIMD read ${bound.simdMs.toFixed(2)} ms, JavaScript loop ${bound.loopMs.toFixed(2)} ms`,
        extra: { ...bound, bytes: data.X.byteLength, gbPerS: data.X.byteLength / bound.ms / 1e6 },
      })
      ratiosFor(rows[rows.length - 1]!)

      const [fullEpochs, miniEpochs] = ctx.quick ? [Math.max(2, shape.epochs[0] / 4), 1] : shape.epochs
      const full1 = await slopeMsPerEpoch(data, precision, fullEpochs, null, null, reps)
      const torchFull = torchMsPerEpoch(n, d, precision, fullEpochs, null, 1, ctx.quick ? 3 : 5)
      const numpyFull = runBaseline({ kind: 'numpy_gd', rows: n, features: d, dtype, epochs: fullEpochs, reps: ctx.quick ? 3 : 5 })
      const numpyMs = numpyFull && numpyFull.ms / fullEpochs
      rows.push({
        suite: 'training',
        case: `${label} ${precision} full batch, 1 thread (ms/epoch)`,
        ms: full1,
        baselines: { 'torch 1 thread': torchFull, numpy: numpyMs, 'stream bound': bound.ms },
        ratios: { 'torch 1 thread': ratio(full1, torchFull), numpy: ratio(full1, numpyMs), 'stream bound': ratio(full1, bound.ms) },
        notes: skipped || `${fullEpochs} epochs per run`,
        extra: { epochs: fullEpochs },
      })
      const full2 = await slopeMsPerEpoch(data, precision, fullEpochs, null, pool, reps)
      const torchFull2 = torchMsPerEpoch(n, d, precision, fullEpochs, null, 2, ctx.quick ? 3 : 5)
      rows.push({
        suite: 'training',
        case: `${label} ${precision} full batch, 2 threads (ms/epoch)`,
        ms: full2,
        baselines: { 'Slope 1 thread': full1, 'torch 2 threads': torchFull2, 'stream bound': bound.ms },
        ratios: { 'Slope 1 thread': ratio(full2, full1), 'torch 2 threads': ratio(full2, torchFull2), 'stream bound': ratio(full2, bound.ms) },
        notes: `speed-up ${(full1 / full2).toFixed(2)}× on 2 threads`,
        extra: { epochs: fullEpochs, speedup: full1 / full2 },
      })
      const mini = await slopeMsPerEpoch(data, precision, miniEpochs, 256, null, reps)
      const torchMini = torchMsPerEpoch(n, d, precision, miniEpochs, 256, 1, ctx.quick ? 1 : 3)
      rows.push({
        suite: 'training',
        case: `${label} ${precision} mini-batch 256, 1 thread (ms/epoch)`,
        ms: mini,
        baselines: { 'torch 1 thread': torchMini, 'stream bound': bound.ms },
        ratios: { 'torch 1 thread': ratio(mini, torchMini), 'stream bound': ratio(mini, bound.ms) },
        notes: skipped || `${Math.ceil(n / 256)} batches per epoch, rows visited in shuffled order`,
        extra: { epochs: miniEpochs },
      })
      ctx.log(`${label} ${precision}: full ${full1.toFixed(2)} ms/epoch (torch ${torchFull?.toFixed(2)}), 2 threads ${full2.toFixed(2)}, mini-batch ${mini.toFixed(1)} (torch ${torchMini?.toFixed(1)})`)
    }
  }
  await pool.close()
  return rows
}

function shapeLabel(shape: Shape): string {
  return `${shape.rows / 1000}k×${shape.features}`.replace('1000k', '1M')
}

function ratiosFor(row: BenchRow): void {
  for (const [k, v] of Object.entries(row.baselines)) row.ratios[k] = ratio(row.ms, v)
}

const suite: BenchSuite = { name: 'training', run }
export default suite
