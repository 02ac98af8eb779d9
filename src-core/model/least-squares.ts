import { InputError } from '../errors'
import { compensatedSum } from './compensated-sum'
import { fUpperTailP, studentTQuantileTwoSided, studentTTwoSidedP } from './distributions'
import { factorTallSkinny, kernelScratch, typescriptKernels, type TallSkinnyQR } from './householder-tsqr'
import { bindSegmentKernels, Phase, planSegments, SEGMENT_ROWS, SegmentRunner, slotAt, slotParts, splitHigh, type SegmentKernels, type SegmentLayout, type SegmentThreads } from './least-squares-segments'

/**
 * Exact least squares by Householder QR — never the normal equations, which square the condition
 * number and lose about half the digits on NIST's Longley and all of them on Filip.
 *
 * Numerical choices, each for a NIST StRD case:
 * - Columns are scaled by powers of two to unit-ish norm before factoring. Powers of two make the
 *   scaling exact, and the scaled problem's rank test no longer depends on units (Pontius'
 *   x² column is ~1e13 times its x column).
 * - One step of iterative refinement with the residual accumulated in double-double
 *   (Dekker's TwoProduct/TwoSum): it recovers digits lost to cancellation in y − Xβ, which is
 *   what limits Filip and Wampler4/5. Its row pass runs in WebAssembly SIMD (ls_refine) where
 *   available, with r and f bit-identical to the TypeScript loop (least-squares-segments.ts; it does the odd last row, or all of them).
 * - The rows are cut into fixed segments (least-squares-segments.ts), factored and refined on their own
 *   (on helper threads where given) and merged in segment order: bit-identical for any thread count.
 */

export interface LeastSquaresInput {
  /** Row-major n × d feature matrix. */
  X: Float64Array
  y: Float64Array
  features: readonly string[]
  intercept: boolean
}

export interface CoefficientStats {
  estimate: number
  stdError: number
  t: number
  p: number
  ci95: [number, number]
}

export interface LeastSquaresFit {
  weights: number[]
  intercept: number // 0 without an intercept
  rows: number
  /** Parameters estimated, the intercept included. */
  parameters: number
  dfResidual: number
  rss: number
  residualSd: number
  /** Centered R² with an intercept; uncentered (1 − RSS/Σy²) without, as NIST defines it. */
  r2: number
  adjR2: number
  f: number
  fP: number
  dfModel: number
  /** Per feature, in `features` order. */
  coefficients: CoefficientStats[]
  interceptStats: CoefficientStats | null
}

/** Relative size of R's diagonal (scaled columns) under which a column counts as dependent. */
const RANK_TOLERANCE = 1e-13

export interface LeastSquaresOptions {
  /** false forces the TypeScript kernels (tests, benchmarks). */
  wasm?: boolean
  /**
   * 'auto' (default) skips the refinement where refinementCannotChangeReport proves it would change
   * no reported digit; 'always' refines and 'never' does not (tests compare the three).
   */
  refine?: 'auto' | 'always' | 'never'
  /**
   * Helper threads for the row segments (least-squares-segments.ts); the fit is bit-identical
   * with or without them. Used only with the WebAssembly kernels, for MIN_THREADED_SEGMENTS or more.
   */
  threads?: SegmentThreads | null
}

export function leastSquares(input: LeastSquaresInput, options: LeastSquaresOptions = {}): LeastSquaresFit {
  const { X, y, features, intercept } = input
  const n = y.length
  const d = features.length
  const p = d + (intercept ? 1 : 0)
  const names = intercept ? ['(intercept)', ...features] : [...features]
  if (p === 0) throw new InputError('There is nothing to fit: no features and no intercept.', 'Add a feature or the intercept.')
  if (n < p) {
    throw new InputError(
      `Least squares needs at least as many rows as parameters: ${n} rows for ${p} parameters.`,
      'Use fewer features or more rows.',
    )
  }

  const offset = intercept ? 1 : 0
  const useWasm = options.wasm ?? true
  const wantThreads = useWasm && options.threads && options.threads.helpers > 0 && segmentThreadsPay(n, d) ? options.threads : null
  // Without helpers X stays in the caller's array (the memory holds one segment of it at a time for
  // the refinement's SIMD pass): no full copy, whose fresh pages' first touch was ~35 % of a 1M×32 fit.
  const L = planSegments(n, d, offset, !wantThreads)
  const wasm = useWasm ? kernelScratch('least-squares', L.doubles * 8) : null
  const k: SegmentKernels = wasm ? bindSegmentKernels(wasm.instance, wasm.memory, L.doubles) : { ...typescriptKernels(L.doubles), refine: null }
  if (L.staged) k.source = X
  else k.heap.set(X, L.x)
  k.heap.set(y, L.y)
  const threads = wasm ? wantThreads : null
  const runner = new SegmentRunner(L, k, wasm?.memory ?? null, threads)
  runner.begin()
  try {
    return fitSegments(L, k, runner, y, names, intercept, useWasm, options.refine ?? 'auto')
  } finally {
    runner.end()
  }
}

/**
 * Fewest segments (SEGMENT_ROWS rows each) for which helper threads are used: one segment has
 * nothing to share. Not tuned yet: posting the job and a helper's first instantiation cost about
 * a millisecond, a segment's work several (measurements on the shared 2-core machine were too noisy
 * to place the break-even more finely; the caller claims segments too, so a late helper costs little).
 */
export const MIN_THREADED_SEGMENTS = 2

/**
 * Most values (rows × features) for which helper threads are used. In the idle `npm run bench` of
 * 2026-12-02, two threads took 0.50× one thread's time at 100k×16 but 1.19× at 1M×32: at that size
 * the fit is bound by memory traffic (the copy into the shared memory and its first touch stay on
 * the calling thread), and a second thread only competes for it. Between the two sizes nothing was
 * measured, so the cap is set well below the slow case; the fit is bit-identical either way.
 * Profile of 1M×32 (2026-12-02, phases timed one by one, 1 thread): copying X into the fresh shared
 * memory 730–850 ms, the segments' factorization 1,090–1,160 ms, the refinement 175–195 ms, Q·δr
 * 80–90 ms. Most of the first two is the first touch of fresh pages, not arithmetic: 256 MB copied
 * into a fresh memory took ~800 ms, into the same memory once touched ~20 ms; with its pages
 * touched, two threads factored in ~265 ms. A fit here touches ~550 MB (X, the tiles, y, z, r, f).
 * Since then a fit without helpers reads X in place (planSegments' `staged`): ~290 MB touched, and in
 * interleaved runs in one process (2026-12-02, load 3–4 on the 2 cores) 1M×32 on one thread took
 * 1,653 ms median against 2,521 ms with the full copy (5 runs each, every pair faster), and 2,301 ms
 * on 2 threads (which still copy X: helpers cannot read the caller's array). 300k×16: 104 ms on one
 * thread, 124 ms on two, 149 ms with the copy; 100k×16: 43 ms on one, 38 ms on two. So the cap stays.
 */
export const MAX_THREADED_VALUES = 4_000_000

/** Whether a fit of this size runs its segments on helper threads (MIN_THREADED_SEGMENTS and MAX_THREADED_VALUES). */
export function segmentThreadsPay(rows: number, features: number): boolean {
  return Math.ceil(rows / SEGMENT_ROWS) >= MIN_THREADED_SEGMENTS && rows * features <= MAX_THREADED_VALUES
}

function fitSegments(L: SegmentLayout, k: SegmentKernels, runner: SegmentRunner, y: Float64Array, names: string[], intercept: boolean, useWasm: boolean, refine: 'auto' | 'always' | 'never'): LeastSquaresFit {
  const { n, p, segments } = L
  const h = k.heap
  const parts = slotParts(p)
  // Column j of the scaled design A: the intercept's ones first, then the features, each column
  // multiplied by a power of two (exact) so that its norm is near 1.
  runner.run(Phase.Norms)
  const scale = new Float64Array(p)
  const sumSquares = new Float64Array(p)
  for (let s = 0; s < segments; s++) for (let j = 0; j < p; j++) sumSquares[j]! += h[slotAt(L, s) + parts.sums + j]!
  if (intercept) sumSquares[0] = n
  for (let j = 0; j < p; j++) {
    const norm = Math.sqrt(sumSquares[j]!)
    if (!Number.isFinite(norm)) {
      throw new InputError(`Feature "${names[j]}" has values too large to square (beyond 1e154).`, 'Rescale the column, e.g. divide it by a power of ten.', { column: names[j] })
    }
    scale[j] = norm > 0 ? 2 ** -Math.round(Math.log2(norm)) : 1
  }
  h.set(scale, L.scale)

  // Each segment's R_s and its part of Qᵀy; then R and Qᵀy's top from merging them in segment order.
  runner.run(Phase.Factor)
  let rss = 0 // ‖r‖² is ‖(Qᵀy)₂‖²: the part of Qᵀy that R's columns do not reach (Q orthogonal).
  for (let s = 0; s < segments; s++) rss += h[slotAt(L, s) + parts.total]!
  const tops = () => {
    const t = new Float64Array(segments * p)
    for (let s = 0; s < segments; s++) t.set(h.subarray(slotAt(L, s) + parts.top, slotAt(L, s) + parts.top + p), s * p)
    return t
  }
  const merge = segments === 1 ? null : factorTallSkinny(segments * p, p, (i, dst, at, stride) => {
    const from = slotAt(L, Math.floor(i / p)) + parts.R + (i % p) * p
    for (let j = 0; j < p; j++) dst[at + j * stride] = h[from + j]!
  }, useWasm, 'least-squares merge')
  const R = merge ? merge.R : h.slice(slotAt(L, 0) + parts.R, slotAt(L, 0) + parts.R + p * p)
  let top: Float64Array
  if (merge) {
    const rest = tops()
    top = merge.applyQt(rest)
    for (let i = 0; i < rest.length; i++) rss += rest[i]! ** 2
  } else top = tops()
  checkRank(R, p, names, intercept)
  const beta = backSubstitute(R, p, top)

  // Compensated sums: a plain running TSS lost ~5e-10 of the F p-value on 6,366 rows (statsmodels' fair).
  const mean = intercept ? compensatedSum(n, (i) => y[i]!) / n : 0
  const tss = compensatedSum(n, (i) => (y[i]! - mean) ** 2)
  if (refine !== 'always') {
    const unrefined = fitFromFactor(R, p, beta, scale, rss, tss, n, intercept)
    if (refine === 'never' || refinementCannotChangeReport(R, p, n, beta, scale, Math.sqrt(rss), unrefined)) return unrefined
  }
  rss = refineAugmented(L, k, runner, R, merge, tops, beta)
  return fitFromFactor(R, p, beta, scale, rss, tss, n, intercept)
}

/** Significant digits of every figure the reports print (src-main/cli/format.ts, the app's tables). */
export const REPORTED_DIGITS = 7
/**
 * Correct digits README promises for coefficients and standard errors of well-conditioned data
 * (its NIST table): a skipped step must keep them too. Without this floor Norris (36 rows) skipped
 * and its coefficients' LRE fell from 14.1 to 12.6 — every printed digit unchanged, the table not.
 */
export const GUARANTEED_DIGITS = 13.2

/**
 * Whether one refinement step provably changes none of the REPORTED_DIGITS significant digits of
 * the coefficients, standard errors, t statistics, 95 % limits and residual SD — checked on the fit
 * from the unrefined QR solution, and that each coefficient and standard error keeps GUARANTEED_DIGITS
 * correct digits relative to the refined answer. Stored values (model file, --json) are full doubles and do
 * change in their last bits when the step is skipped: a bound that proves the same double would need
 * the refined answer itself, so "reported" means the printed digits.
 *
 * The bound is Householder least squares' normwise forward error (Higham, Accuracy and Stability
 * of Numerical Algorithms, 2nd ed., Thm 20.3 with §20.1's perturbation bound; Wedin): for backward
 * error ε = γ(n·p) = n·p·u / (1 − n·p·u) in each column,
 *   ‖β − β̂‖ ≤ ε·κ·(2‖β̂‖ + (κ + 1)·‖r‖/‖A‖),   |‖r‖ − ‖r̂‖| ≤ ε·(‖y‖ + 2κ‖A‖‖β̂‖)
 * to first order, with κ = ‖A‖‖A⁺‖ ≤ ‖R‖_F‖R⁻¹‖_F and ‖A‖ between ‖R‖_F/√p and ‖R‖_F. The refined
 * answer is at least as close, so both lie within the bound of the unrefined one. Each coefficient
 * moves by at most ‖β − β̂‖ (in scaled units, then × its power-of-two scale), each standard error
 * by at most the relative change of ‖r‖; the step is skipped only if every printed figure reads the
 * same at both ends of its interval (rounding is monotonic, so it reads the same everywhere between).
 * The κ² term makes ill-conditioned or large-residual problems (Filip, Wampler4/5, Longley) refine;
 * the floor of GUARANTEED_DIGITS needs ε·κ·‖β‖/|β_j| below ~1e-14, so in practice only small
 * (tens of rows), well-conditioned fits with coefficients of similar size skip; at 100k×17,
 * ε ≈ 2e-10 already exceeds it.
 */
export function refinementCannotChangeReport(R: Float64Array, p: number, n: number, beta: ArrayLike<number>, scale: ArrayLike<number>, rNorm: number, fit: LeastSquaresFit): boolean {
  const u = 2 ** -53
  const np = n * p * u
  if (np >= 0.01) return false
  const eps = np / (1 - np)
  let rF = 0
  for (let i = 0; i < p * p; i++) rF += R[i]! ** 2
  rF = Math.sqrt(rF)
  const rInv = invertUpper(R, p)
  let rInvF = 0
  for (let i = 0; i < p * p; i++) rInvF += rInv[i]! ** 2
  const kappa = rF * Math.sqrt(rInvF)
  let betaNorm = 0
  for (let j = 0; j < p; j++) betaNorm += beta[j]! ** 2
  betaNorm = Math.sqrt(betaNorm)
  const aLow = rF / Math.sqrt(p)
  // Doubling the first-order bound covers the higher-order terms (a factor 1 + O(εκ)) while εκ < 0.01.
  if (!(eps * kappa < 0.01)) return false
  const dBeta = 2 * eps * kappa * (2 * betaNorm + (kappa + 1) * rNorm / aLow)
  const yNorm = Math.sqrt(rNorm ** 2 + (rF * betaNorm) ** 2) // ‖y‖² = ‖r‖² + ‖Aβ‖², ‖Aβ‖ ≤ ‖R‖_F‖β‖
  const dR = 2 * eps * (yNorm + 2 * kappa * rF * betaNorm)
  if (!(dR < 0.01 * rNorm)) return false
  // σ ∝ ‖r‖: relative change of the residual SD and of every standard error.
  const relSd = dR / (rNorm - dR)
  const same = (x: number, dx: number) => Number.isFinite(x) && sameDigits(x - dx, x + dx)
  if (!same(fit.residualSd, fit.residualSd * relSd)) return false
  const stats = fit.interceptStats ? [fit.interceptStats, ...fit.coefficients] : fit.coefficients
  for (let j = 0; j < p; j++) {
    const c = stats[j]!
    const db = dBeta * scale[j]!
    const dse = c.stdError * relSd
    if (!same(c.estimate, db) || !same(c.stdError, dse)) return false
    if (db > 10 ** -GUARANTEED_DIGITS * Math.abs(c.estimate) || relSd > 10 ** -GUARANTEED_DIGITS) return false
    // t = β/se; both ends of the 95 % interval move by at most db + t_crit·dse.
    const half = c.ci95[1] - c.estimate
    const dHalf = half * relSd
    if (!same(c.ci95[0], db + dHalf) || !same(c.ci95[1], db + dHalf)) return false
    const tLow = (Math.abs(c.estimate) - db) / (c.stdError + dse)
    const tHigh = (Math.abs(c.estimate) + db) / Math.max(c.stdError - dse, 0)
    if (!sameDigits(tLow, tHigh)) return false
  }
  return true
}

function sameDigits(a: number, b: number): boolean {
  return Number.isFinite(a) && Number.isFinite(b) && a.toPrecision(REPORTED_DIGITS) === b.toPrecision(REPORTED_DIGITS)
}

/**
 * Every reported figure from the triangular factor R of the (column-scaled) design, β in scaled
 * units, the residual and total sums of squares: one place for the in-memory fit and the streamed
 * one (src-main/linked), so both report the same statistics the same way.
 */
export function fitFromFactor(R: Float64Array, p: number, beta: ArrayLike<number>, scale: ArrayLike<number>, rss: number, tss: number, n: number, intercept: boolean): LeastSquaresFit {
  const dfResidual = n - p
  const sigma2 = dfResidual > 0 ? rss / dfResidual : NaN
  const residualSd = Math.sqrt(sigma2)

  // Cov(β_scaled) = σ² R⁻¹R⁻ᵀ; unscale: β_j = β_scaled_j · scale_j.
  const rInv = invertUpper(R, p)
  const tCrit = dfResidual > 0 ? studentTQuantileTwoSided(0.05, dfResidual) : NaN
  const stats: CoefficientStats[] = []
  for (let j = 0; j < p; j++) {
    let s = 0
    for (let k = j; k < p; k++) s += rInv[j * p + k]! ** 2
    const estimate = beta[j]! * scale[j]!
    const stdError = Math.sqrt(sigma2 * s) * scale[j]!
    const t = estimate / stdError
    stats.push({
      estimate,
      stdError,
      t,
      p: studentTTwoSidedP(t, dfResidual),
      ci95: [estimate - tCrit * stdError, estimate + tCrit * stdError],
    })
  }

  const r2 = 1 - rss / tss
  const dfModel = intercept ? p - 1 : p
  const dfTotal = intercept ? n - 1 : n
  const adjR2 = dfResidual > 0 ? 1 - ((1 - r2) * dfTotal) / dfResidual : NaN
  const f = dfModel > 0 && dfResidual > 0 ? (tss - rss) / dfModel / sigma2 : NaN

  const coefficientStats = intercept ? stats.slice(1) : stats
  return {
    weights: coefficientStats.map((c) => c.estimate),
    intercept: intercept ? stats[0]!.estimate : 0,
    rows: n,
    parameters: p,
    dfResidual,
    rss,
    residualSd,
    r2,
    adjR2,
    f,
    fP: fUpperTailP(f, dfModel, dfResidual),
    dfModel,
    coefficients: coefficientStats,
    interceptStats: intercept ? stats[0]! : null,
  }
}

/** The scaled design A read straight from the row-major features: A[i][j] = X[i][j − offset]·scale[j]. */
interface ScaledDesign {
  X: Float64Array
  d: number
  /** 1 with an intercept (column 0 of A is constant), else 0. */
  offset: number
  scale: Float64Array
}

/** x = R⁻¹ top for the upper-triangular p × p R (row-major). */
function backSubstitute(R: Float64Array, p: number, top: ArrayLike<number>): number[] {
  const x = new Array<number>(p).fill(0)
  for (let k = p - 1; k >= 0; k--) {
    let s = top[k]!
    for (let j = k + 1; j < p; j++) s -= R[k * p + j]! * x[j]!
    x[k] = s / R[k * p + k]!
  }
  return x
}

/**
 * Björck's iterative refinement of the augmented system [I A; Aᵀ 0][r; β] = [y; 0], with both
 * residuals (y − r − Aβ and −Aᵀr) accumulated in double-double. Unlike refining β alone, it also
 * converges for large-residual problems (Wampler4/5, Filip). One step (measured: a second changes no
 * NIST LRE): the row
 * pass (r, f, g together; Dekker's TwoProduct with β pre-split) and Q_sᵀf run per segment
 * (least-squares-segments.ts), g's partials are added in segment order. Updates β in place;
 * returns ‖r‖² of the refined residual.
 */
function refineAugmented(L: SegmentLayout, k: SegmentKernels, runner: SegmentRunner, R: Float64Array, merge: TallSkinnyQR | null, tops: () => Float64Array, beta: number[]): number {
  const { p, segments } = L
  const h = k.heap
  const parts = slotParts(p)
  // −β split once: hi (26 bits) + lo, so each exact product splits only A's entry.
  const nb = beta.map((v) => -v)
  const nbHi = nb.map(splitHigh)
  h.set(nb, L.nb)
  h.set(nbHi, L.nbHi)
  h.set(nb.map((v, j) => v - nbHi[j]!), L.nbLo)
  runner.run(Phase.Refine)
  const g = new Float64Array(p)
  for (let j = 0; j < p; j++) {
    let hi = h[slotAt(L, 0) + parts.g + j]!
    let lo = h[slotAt(L, 0) + parts.g + p + j]!
    for (let s = 1; s < segments; s++) {
      const hs = h[slotAt(L, s) + parts.g + j]!
      const sum = hi + hs
      const bb = sum - hi
      lo += hi - (sum - bb) + (hs - bb) + h[slotAt(L, s) + parts.g + p + j]!
      hi = sum
    }
    g[j] = hi + lo
  }
  // Solve [I A; Aᵀ 0][δr; δβ] = [f; g] with A = Q[R; 0]:
  // hh = R⁻ᵀg, d = Qᵀf, δβ = R⁻¹(d₁ − hh), δr = Q[hh; d₂].
  const hh = new Float64Array(p)
  for (let c = 0; c < p; c++) {
    let t = g[c]!
    for (let i = 0; i < c; i++) t -= R[i * p + c]! * hh[i]!
    hh[c] = t / R[c * p + c]!
  }
  const rest = tops() // the segments' parts of Q_sᵀf; f's rows now hold the rest of d₂
  const d1 = merge ? merge.applyQt(rest) : rest
  const rhs = new Float64Array(p)
  for (let c = 0; c < p; c++) rhs[c] = d1[c]! - hh[c]!
  const step = backSubstitute(R, p, rhs)
  if (merge) merge.applyQ(hh, rest) // rest = the segments' tops of Q[hh; d₂]
  else rest.set(hh)
  for (let s = 0; s < segments; s++) h.set(rest.subarray(s * p, (s + 1) * p), slotAt(L, s) + parts.top)
  runner.run(Phase.ApplyQ)
  for (let j = 0; j < p; j++) beta[j]! += step[j]!
  let rss = 0
  for (let s = 0; s < segments; s++) rss += h[slotAt(L, s) + parts.total]!
  return rss
}

/**
 * The first refinement step's residual pass on rows 0…2⌊n/2⌋ by the SIMD kernel ls_refine
 * (kernel-wat.ts), two rows per vector: r and f come out bit-identical to the TypeScript loop;
 * g's even- and odd-row partial sums are added in double-double into gHi/gLo. Returns the rows
 * done (0 where WebAssembly is unavailable or the data exceed its memory).
 */
export function residualPassWasm(
  A: ScaledDesign, y: Float64Array, nb: number[], nbHi: number[], nbLo: number[],
  r: Float64Array, f: Float64Array, gHi: Float64Array, gLo: Float64Array,
): number {
  const { X, d, offset, scale } = A
  const n = y.length
  const p = d + offset
  const pairs = Math.floor(n / 2)
  if (pairs === 0) return 0
  // Heap (doubles): X (n·d) | y | r | f (n each) | scale | −β | hi | lo (p each) | g (4p)
  const at = { x: 0, y: n * d, r: n * d + n, f: n * d + 2 * n, scale: n * d + 3 * n }
  const nbAt = at.scale + p
  const gAt = at.scale + 4 * p
  const k = kernelScratch('least-squares refinement', (gAt + 4 * p) * 8)
  if (!k) return 0
  const heap = new Float64Array(k.memory.buffer, 0, gAt + 4 * p)
  heap.fill(0, gAt, gAt + 4 * p) // a reused memory holds the last fit's sums
  heap.set(X, at.x)
  heap.set(y, at.y)
  heap.set(scale, at.scale)
  heap.set(nb, nbAt)
  heap.set(nbHi, nbAt + p)
  heap.set(nbLo, nbAt + 2 * p)
  const refine = k.instance.exports.ls_refine as (...args: number[]) => void
  refine(at.x * 8, at.y * 8, pairs, d, offset, at.scale * 8, nbAt * 8, (nbAt + p) * 8, (nbAt + 2 * p) * 8, at.r * 8, at.f * 8, gAt * 8)
  const rows = 2 * pairs
  r.set(heap.subarray(at.r, at.r + rows))
  f.set(heap.subarray(at.f, at.f + rows))
  for (let j = 0; j < p; j++) {
    const g = gAt + 4 * j // hi lanes (even, odd rows), then lo lanes
    const h0 = heap[g]!
    const h1 = heap[g + 1]!
    const s = h0 + h1
    const bb = s - h0
    gHi[j] = s
    gLo[j] = h0 - (s - bb) + (h1 - bb) + heap[g + 2]! + heap[g + 3]!
  }
  return rows
}

/** R⁻¹ of an upper-triangular p × p R (row-major), by back substitution column by column. */
export function invertUpper(R: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p)
  for (let j = p - 1; j >= 0; j--) {
    inv[j * p + j] = 1 / R[j * p + j]!
    for (let i = j - 1; i >= 0; i--) {
      let s = 0
      for (let k = i + 1; k <= j; k++) s += R[i * p + k]! * inv[k * p + j]!
      inv[i * p + j] = -s / R[i * p + i]!
    }
  }
  return inv
}

function checkRank(R: Float64Array, p: number, names: readonly string[], intercept: boolean): void {
  let maxDiag = 0
  for (let k = 0; k < p; k++) maxDiag = Math.max(maxDiag, Math.abs(R[k * p + k]!))
  for (let k = 0; k < p; k++) {
    if (Math.abs(R[k * p + k]!) > RANK_TOLERANCE * maxDiag) continue
    const name = names[k]!
    if (maxDiag === 0 || Math.abs(R[k * p + k]!) === 0 && k === 0) {
      throw new InputError(`Feature "${name}" is zero in every row.`, 'Remove it from the features.', { column: name })
    }
    // Which earlier columns is it a combination of? Solve R[0:k,0:k] c = R[0:k,k].
    const c = new Float64Array(k)
    for (let i = k - 1; i >= 0; i--) {
      let s = R[i * p + k]!
      for (let j = i + 1; j < k; j++) s -= R[i * p + j]! * c[j]!
      c[i] = s / R[i * p + i]!
    }
    const largest = c.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
    const partners = names.slice(0, k).filter((_, i) => Math.abs(c[i]!) > 1e-6 * largest)
    if (intercept && partners.length === 1 && partners[0] === '(intercept)') {
      throw new InputError(
        `Feature "${name}" is constant, so it duplicates the intercept and the fit is not unique.`,
        'Remove it from the features (or fit without an intercept).',
        { column: name },
      )
    }
    const quoted = partners.filter((x) => x !== '(intercept)').map((x) => `"${x}"`)
    throw new InputError(
      `Feature "${name}" is a linear combination of ${quoted.join(', ')}${partners.includes('(intercept)') ? ' and the intercept' : ''} (collinear), so the exact fit is not unique.`,
      `Remove "${name}" or one of the features it depends on.`,
      { column: name },
    )
  }
}
