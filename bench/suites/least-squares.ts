import { availableParallelism } from 'node:os'
import { syntheticData } from '../../src-core/backends/conformance'
import { leastSquares } from '../../src-core/model/least-squares'
import { medianMs, type BenchContext, type BenchRow, type BenchSuite } from '../bench-suite'
import { baselineMissing, runBaseline } from '../python-baselines'
import { streamBoundMs } from '../stream-bound'
import { NodeGradientThreadPool } from '../../src-main/workers/gradient-thread-pool'

/**
 * Exact least squares (blocked Householder QR + one step of double-double refinement, with all
 * statistics) against numpy.linalg.lstsq (LAPACK) on the same shape, statsmodels' OLS(...).fit()
 * with the same statistics (what an analyst would run), and the stream bound of X. Slope's figure
 * uses every core (helper threads for the row segments, as the training worker's pool; the fit is
 * bit-identical to one thread's), beside it the same fit on one thread; numpy's OpenBLAS uses all
 * cores too (its default: OPENBLAS_NUM_THREADS unset).
 */
async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const shapes: [number, number][] = ctx.quick ? [[100_000, 16]] : [[100_000, 16], [1_000_000, 32]]
  const note = baselineMissing('numpy_lstsq')
  const statsmodelsNote = baselineMissing('statsmodels_ols')
  const helpers = Math.max(0, availableParallelism() - 1)
  const pool = await NodeGradientThreadPool.start(helpers)
  try {
    for (const [n, d] of shapes) rows.push(await shape(ctx, n, d, pool, note, statsmodelsNote))
  } finally {
    await pool.close()
  }
  return rows
}

async function shape(ctx: BenchContext, n: number, d: number, pool: NodeGradientThreadPool, note: string | null, statsmodelsNote: string | null): Promise<BenchRow> {
  const data = syntheticData(n, d, 2, 'f64')
  const X = data.X as Float64Array
  const y = data.y as Float64Array
  const features = Array.from({ length: d }, (_, j) => `x${j}`)
  const reps = ctx.quick ? 3 : 5
  const input = { X, y, features, intercept: true }
  const ms = await medianMs(() => leastSquares(input, { threads: pool }), reps, 1)
  const oneThreadMs = await medianMs(() => leastSquares(input), reps, 1)
  const typescriptMs = await medianMs(() => leastSquares({ X, y, features, intercept: true }, { wasm: false }), ctx.quick ? 1 : 3, 1)
  const numpy = runBaseline({ kind: 'numpy_lstsq', rows: n, features: d, reps })
  const statsmodels = runBaseline({ kind: 'statsmodels_ols', rows: n, features: d, reps })
  const bound = await streamBoundMs(X, reps)
  const label = `${n / 1000}k×${d}`.replace('1000k', '1M')
  ctx.log(`${label}: ${ms.toFixed(0)} ms on ${1 + pool.helpers} threads, ${oneThreadMs.toFixed(0)} ms on 1 (numpy ${numpy?.ms.toFixed(0)} ms, statsmodels ${statsmodels?.ms.toFixed(0)} ms, TypeScript kernels ${typescriptMs.toFixed(0)} ms)`)
  return {
    suite: 'least squares',
    case: `${label} f64 with intercept (ms per fit)`,
    ms,
    baselines: { 'Slope 1 thread': oneThreadMs, 'numpy lstsq': numpy?.ms ?? null, 'statsmodels OLS.fit': statsmodels?.ms ?? null, 'TypeScript kernels': typescriptMs, 'stream bound': bound.ms },
    ratios: {
      'Slope 1 thread': ms / oneThreadMs,
      'numpy lstsq': numpy ? ms / numpy.ms : null,
      'statsmodels OLS.fit': statsmodels ? ms / statsmodels.ms : null,
      'TypeScript kernels': ms / typescriptMs,
      'stream bound': ms / bound.ms,
    },
    notes: [note && `numpy skipped: ${note}`, statsmodelsNote && `statsmodels skipped: ${statsmodelsNote}`].filter(Boolean).join('; ') || 'Slope and statsmodels include standard errors, t, p, intervals, R², F',
    extra: { rows: n, features: d, threads: 1 + pool.helpers },
  }
}

const suite: BenchSuite = { name: 'least squares', run }
export default suite
