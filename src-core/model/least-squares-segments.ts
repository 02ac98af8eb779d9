import { kernelWasmBase64 } from '../backends/cpu/kernel-wasm-bytes'
import { webAssembly, type WasmInstance, type WasmMemory, type WasmModule } from '../backends/cpu/wasm-kernels'
import { bindKernels, TSQR_BLOCK_ROWS, type Kernels } from './householder-tsqr'

/**
 * Least squares' row passes cut into fixed segments of SEGMENT_ROWS rows, so that they can run on
 * several threads and still give the same bits for any number of them.
 *
 * The segments do not depend on the thread count: segment s is rows [s·S, (s + 1)·S). Each one is
 * factored on its own (flat-tree TSQR of its blocks, householder-tsqr.ts, from R = 0) into its R_s
 * and reflectors, and applies its own Q_sᵀ / Q_s to its part of a vector. The calling thread then
 * merges the segments' R_s (and their parts of Qᵀy) in segment order, and adds per-segment sums in
 * segment order. So a segment's numbers never depend on which thread computed it, and the
 * reductions are fixed: one thread, two or sixteen give the same fit bit for bit. A problem of
 * one segment (n ≤ S: every NIST dataset, statsmodels' test sets) is the unsegmented computation,
 * operation for operation.
 *
 * Everything lives in one shared WebAssembly memory (SegmentLayout) so that helper threads run the
 * same SIMD kernels on the same bytes, without copies. Threads share a phase the way the gradient
 * helpers share a pass (chunked-pass.ts): the caller publishes it and bumps GENERATION, every thread
 * claims segment numbers with a compare-and-swap on CLAIM (generation and next segment in one
 * 64-bit word), and the caller claims too, so it finishes alone when no helper comes.
 */

/** Rows per segment: 64 QR blocks. Fixed, independent of the thread count (that is the determinism). */
export const SEGMENT_ROWS = 64 * TSQR_BLOCK_ROWS

export const enum Phase {
  /** Σ x² per feature column (the power-of-two column scales come from their sum). */
  Norms = 0,
  /** Fill the scaled tiles, factor them into R_s, apply Q_sᵀ to y's rows (and Σ of what is left, squared). */
  Factor = 1,
  /** The refinement's double-double residual pass (r, f, g), then Q_sᵀ f. */
  Refine = 2,
  /** δr = Q_s [top_s; f_s], r += δr, and Σ r². */
  ApplyQ = 3,
}

/** Int32 words of the control block; CLAIM is BigInt64 word 0 (Int32 words 0 and 1). */
const Word = { Generation: 2, Done: 3, Stop: 4, Phase: 5, Fit: 6, FitCounter: 7 } as const
const CONTROL_DOUBLES = 8

/** Offsets in doubles into the shared memory. A slot per segment: R_s | top_s | g (4p) | Σx² (p) | Σ (1). */
export interface SegmentLayout {
  n: number
  d: number
  p: number
  /** 1 with an intercept (column 0 of the design is its constant), else 0. */
  offset: number
  segments: number
  /**
   * Where X's rows are: with `staged`, one segment's rows at a time (the caller's kernels read X from
   * its own array, `SegmentKernels.source`, and copy a segment here only for ls_refine); otherwise
   * all n·d, copied in for helper threads.
   */
  x: number
  staged: boolean
  y: number
  tiles: number
  /** Qᵀy's rows (what R does not reach). */
  z: number
  r: number
  f: number
  vtop: number
  betas: number
  scale: number
  nb: number
  nbHi: number
  nbLo: number
  slots: number
  slotStride: number
  doubles: number
}

export const slotParts = (p: number) => ({ R: 0, top: p * p, g: p * p + p, sums: p * p + 5 * p, total: p * p + 6 * p })

/**
 * `staged` (no helper threads) keeps only one segment of X in the memory: at 1M×32 a full copy is
 * 256 MB of fresh pages, and their first touch (~800 ms on this VM) cost more than the arithmetic.
 */
export function planSegments(n: number, d: number, offset: number, staged = false): SegmentLayout {
  const p = d + offset
  const segments = Math.ceil(n / SEGMENT_ROWS)
  const blocks = Math.ceil(n / TSQR_BLOCK_ROWS)
  let at = CONTROL_DOUBLES
  // Each region starts on a cache line (8 doubles): threads write neighbouring segments' rows.
  const take = (doubles: number) => {
    const start = at
    at += Math.ceil(doubles / 8) * 8
    return start
  }
  const x = take((staged ? Math.min(n, SEGMENT_ROWS) : n) * d)
  const y = take(n)
  const tiles = take(n * p)
  const z = take(n)
  const r = take(n)
  const f = take(n)
  const vtop = take(blocks * p)
  const betas = take(blocks * p)
  const scale = take(p)
  const nb = take(p)
  const nbHi = take(p)
  const nbLo = take(p)
  const slotStride = Math.ceil((slotParts(p).total + 1) / 8) * 8
  const slots = take(segments * slotStride)
  return { n, d, p, offset, segments, x, staged, y, tiles, z, r, f, vtop, betas, scale, nb, nbHi, nbLo, slots, slotStride, doubles: at }
}

/** The kernels a segment needs: the QR's (ls_dot, ls_reflect) and, where WebAssembly runs, ls_refine (byte offsets). */
export interface SegmentKernels extends Kernels {
  refine: ((...args: number[]) => void) | null
  /** The caller's row-major X where the layout is `staged` (read in place, never copied whole); else null. */
  source?: Float64Array | null
}

/** The array holding X's row i and the index of its first value there (the caller's X when staged). */
function xRow(L: SegmentLayout, k: SegmentKernels, i: number): readonly [Float64Array, number] {
  if (!L.staged) return [k.heap, L.x + i * L.d]
  if (!k.source) throw new Error('A staged least-squares layout needs the caller\'s X (SegmentKernels.source).')
  return [k.source, i * L.d]
}

export function bindSegmentKernels(instance: WasmInstance, memory: WasmMemory, doubles: number): SegmentKernels {
  return { ...bindKernels(instance, memory, doubles), refine: instance.exports.ls_refine as (...args: number[]) => void }
}

const SPLIT = 134217729 // 2^27 + 1

/** High half of Veltkamp's split (JavaScript has no fused multiply-add for an exact product). */
export function splitHigh(x: number): number {
  const t = SPLIT * x
  return t - (t - x)
}

/** Runs one phase on one segment. Pure: reads and writes only the heap, in segment s's rows and slot. */
export function runSegment(L: SegmentLayout, k: SegmentKernels, phase: Phase, s: number): void {
  if (phase === Phase.Norms) segmentNorms(L, k, s)
  else if (phase === Phase.Factor) segmentFactor(L, k, s)
  else if (phase === Phase.Refine) segmentRefine(L, k, s)
  else segmentApplyQ(L, k, s)
}

const rowsOf = (L: SegmentLayout, s: number) => [s * SEGMENT_ROWS, Math.min(L.n, (s + 1) * SEGMENT_ROWS)] as const
export const slotAt = (L: SegmentLayout, s: number) => L.slots + s * L.slotStride

function segmentNorms(L: SegmentLayout, k: SegmentKernels, s: number): void {
  const { d, offset, p } = L
  const h = k.heap
  const sums = slotAt(L, s) + slotParts(p).sums
  h.fill(0, sums, sums + p)
  const [start, end] = rowsOf(L, s)
  const [xs, first] = xRow(L, k, start)
  for (let i = start; i < end; i++) {
    const row = first + (i - start) * d
    for (let j = 0; j < d; j++) h[sums + j + offset]! += xs[row + j]! ** 2
  }
}

/** Reflector j of global block b applied to the vector at `vec` (its rows) with its top p at `top`. */
function reflectBlock(L: SegmentLayout, k: Kernels, b: number, j: number, vec: number, top: number): void {
  const B = TSQR_BLOCK_ROWS
  const h = k.heap
  const beta = h[L.betas + b * L.p + j]!
  if (beta === 0) return
  const m = Math.min(B, L.n - b * B)
  k.reflect(L.tiles + b * B * L.p + j * m, h[L.vtop + b * L.p + j]!, beta, m, vec + b * B, m, 1, top + j, 1)
}

const blocksOf = (L: SegmentLayout, s: number) => {
  const [start, end] = rowsOf(L, s)
  return [start / TSQR_BLOCK_ROWS, Math.ceil(end / TSQR_BLOCK_ROWS)] as const
}

/** Q_sᵀ on the segment's rows of the vector at `vec`; its top p land in the slot. */
function applySegmentQt(L: SegmentLayout, k: Kernels, s: number, vec: number): void {
  const top = slotAt(L, s) + slotParts(L.p).top
  k.heap.fill(0, top, top + L.p)
  const [first, last] = blocksOf(L, s)
  for (let b = first; b < last; b++) for (let j = 0; j < L.p; j++) reflectBlock(L, k, b, j, vec, top)
}

/** The flat-tree TSQR of factorTallSkinny (householder-tsqr.ts) on the segment's blocks, same operations. */
function segmentFactor(L: SegmentLayout, k: SegmentKernels, s: number): void {
  const { d, p, offset } = L
  const B = TSQR_BLOCK_ROWS
  const h = k.heap
  const slot = slotAt(L, s)
  const rAt = slot + slotParts(p).R
  h.fill(0, rAt, rAt + p * p)
  const [first, last] = blocksOf(L, s)
  const [xs, x0Row] = xRow(L, k, first * B)
  for (let b = first; b < last; b++) {
    const m = Math.min(B, L.n - b * B)
    const tile = L.tiles + b * B * p
    for (let i = 0; i < m; i++) {
      const row = x0Row + ((b - first) * B + i) * d
      if (offset) h[tile + i] = h[L.scale]!
      for (let j = 0; j < d; j++) h[tile + i + (j + offset) * m] = xs[row + j]! * h[L.scale + j + offset]!
    }
    for (let j = 0; j < p; j++) {
      const col = tile + j * m
      const x0 = h[rAt + j * p + j]!
      const alpha = Math.sqrt(x0 * x0 + k.dot(col, col, m))
      if (alpha === 0) {
        h[L.betas + b * p + j] = 0
        continue
      }
      const sign = x0 >= 0 ? 1 : -1
      const v0 = x0 + sign * alpha // v = x + sign(x₀)‖x‖e₁ avoids cancellation
      const beta = 1 / (alpha * (alpha + Math.abs(x0)))
      h[L.vtop + b * p + j] = v0
      h[L.betas + b * p + j] = beta
      if (j + 1 < p) k.reflect(col, v0, beta, m, col + m, m, p - j - 1, rAt + j * p + j + 1, 1)
      h[rAt + j * p + j] = -sign * alpha
    }
  }
  const [start, end] = rowsOf(L, s)
  h.copyWithin(L.z + start, L.y + start, L.y + end)
  applySegmentQt(L, k, s, L.z)
  let rss = 0
  for (let i = start; i < end; i++) rss += h[L.z + i]! ** 2
  h[slot + slotParts(p).total] = rss
}

/**
 * The first refinement step's row pass (see refineAugmented in least-squares.ts): r = y − Aβ,
 * f = y − r − Aβ and g = −Aᵀr in double-double, row pairs by ls_refine where it runs (bit-identical
 * to this TypeScript loop for r and f), the odd last row or every row here. g's double-double
 * partial (hi at g, lo at g + p) stays in the slot; then f's rows get Q_sᵀ.
 */
function segmentRefine(L: SegmentLayout, k: SegmentKernels, s: number): void {
  const { d, p, offset } = L
  const h = k.heap
  const gAt = slotAt(L, s) + slotParts(p).g
  const [start, end] = rowsOf(L, s)
  const gHi = new Float64Array(p)
  const gLo = new Float64Array(p)
  // The segment's rows of X in the memory: in place, or staged into the one-segment region.
  let xAt = L.x + start * d
  if (L.staged) {
    const [xs, from] = xRow(L, k, start)
    h.set(xs.subarray(from, from + (end - start) * d), L.x)
    xAt = L.x
  }
  let i = start
  if (k.refine) {
    h.fill(0, gAt, gAt + 4 * p)
    const pairs = Math.floor((end - start) / 2)
    k.refine(xAt * 8, (L.y + start) * 8, pairs, d, offset, L.scale * 8, L.nb * 8, L.nbHi * 8, L.nbLo * 8, (L.r + start) * 8, (L.f + start) * 8, gAt * 8)
    for (let j = 0; j < p; j++) {
      const g = gAt + 4 * j // hi lanes (even, odd rows), then lo lanes
      const h0 = h[g]!
      const h1 = h[g + 1]!
      const sum = h0 + h1
      const bb = sum - h0
      gHi[j] = sum
      gLo[j] = h0 - (sum - bb) + (h1 - bb) + h[g + 2]! + h[g + 3]!
    }
    i += 2 * pairs
  }
  const a = new Float64Array(p)
  for (; i < end; i++) {
    const row = xAt + (i - start) * d
    if (offset) a[0] = h[L.scale]!
    for (let j = 0; j < d; j++) a[j + offset] = h[row + j]! * h[L.scale + j + offset]!
    let fitted = 0
    for (let j = 0; j < p; j++) fitted += a[j]! * -h[L.nb + j]!
    const yi = h[L.y + i]!
    const ri = yi - fitted
    h[L.r + i] = ri
    // f = y − r − Aβ in double-double
    let hi = yi
    let lo = 0
    let sum = hi - ri
    let bb = sum - hi
    lo += hi - (sum - bb) + (-ri - bb)
    hi = sum
    // g −= A[i]·r in double-double; −r split once per row
    const nr = -ri
    const nrHi = splitHigh(nr)
    const nrLo = nr - nrHi
    for (let j = 0; j < p; j++) {
      const aj = a[j]!
      const aHi = splitHigh(aj)
      const aLo = aj - aHi
      const nbj = h[L.nb + j]!
      const nbHi = h[L.nbHi + j]!
      const nbLo = h[L.nbLo + j]!
      // f term: aj · (−β_j)
      let prod = aj * nbj
      let err = aLo * nbLo - (prod - aHi * nbHi - aLo * nbHi - aHi * nbLo)
      sum = hi + prod
      bb = sum - hi
      lo += hi - (sum - bb) + (prod - bb) + err
      hi = sum
      // g term: aj · (−r_i)
      prod = aj * nr
      err = aLo * nrLo - (prod - aHi * nrHi - aLo * nrHi - aHi * nrLo)
      const gh = gHi[j]!
      sum = gh + prod
      bb = sum - gh
      gLo[j]! += gh - (sum - bb) + (prod - bb) + err
      gHi[j] = sum
    }
    h[L.f + i] = hi + lo
  }
  h.set(gHi, gAt)
  h.set(gLo, gAt + p)
  applySegmentQt(L, k, s, L.f)
}

/** δr = Q_s [top_s; f_s] (top_s written into the slot by the caller), r += δr, Σ r² into the slot. */
function segmentApplyQ(L: SegmentLayout, k: SegmentKernels, s: number): void {
  const h = k.heap
  const slot = slotAt(L, s)
  const top = slot + slotParts(L.p).top
  const [first, last] = blocksOf(L, s)
  for (let b = last - 1; b >= first; b--) for (let j = L.p - 1; j >= 0; j--) reflectBlock(L, k, b, j, L.f, top)
  const [start, end] = rowsOf(L, s)
  let rss = 0
  for (let i = start; i < end; i++) {
    const ri = h[L.r + i]! + h[L.f + i]!
    h[L.r + i] = ri
    rss += ri ** 2
  }
  h[slot + slotParts(L.p).total] = rss
}

// ——— threads ———

/** What a helper thread is sent for one fit (postable: the memory is shared). */
export interface SegmentHelperJob {
  kind: 'least-squares segments'
  memory: WasmMemory
  layout: SegmentLayout
  fit: number
}

/**
 * Helper threads for the segments: `post` hands every helper a job (synchronously, so the calling
 * thread can then block in Atomics.wait while they work). src-main/workers/gradient-thread-pool.ts
 * provides it with the gradient helpers' node:worker_threads.
 */
export interface SegmentThreads {
  readonly helpers: number
  post(job: SegmentHelperJob): void
  /**
   * false leaves every segment to the helpers, the calling thread only waits (tests: proves that
   * segments computed on another thread give the same bits). Default true: the caller claims
   * segments too, so a fit never waits for a helper that is busy or slow to start.
   */
  readonly callerWorks?: boolean
}

const controlWords = (memory: WasmMemory) => new Int32Array(memory.buffer, 0, 2 * CONTROL_DOUBLES)
const claimWord = (memory: WasmMemory) => new BigInt64Array(memory.buffer, 0, 1)

/** Claims and runs segments of the current phase until none is left (caller and helpers alike). */
function workOnPhase(L: SegmentLayout, k: SegmentKernels, memory: WasmMemory, generation: number): void {
  const words = controlWords(memory)
  const claim = claimWord(memory)
  const gen = BigInt(generation) << 32n
  // Read the phase before claiming: a successful claim proves it was still current when read.
  const phase = Atomics.load(words, Word.Phase) as Phase
  for (;;) {
    const current = Atomics.load(claim, 0)
    if ((current & ~0xffffffffn) !== gen) return // a newer phase (or the end of the fit) replaced this one
    const s = Number(current & 0xffffffffn)
    if (s >= L.segments) return
    if (Atomics.compareExchange(claim, 0, current, current + 1n) !== current) continue
    runSegment(L, k, phase, s)
    if (Atomics.add(words, Word.Done, 1) + 1 === L.segments) Atomics.notify(words, Word.Done)
  }
}

/**
 * Runs the phases of one fit on the shared memory, with helper threads where given: `begin` posts
 * the job to them (they join whenever they get to it), `run` does one phase (all segments) and
 * returns when every segment is done, `end` sends the helpers back to their message loop.
 */
export class SegmentRunner {
  private fit = 0
  private generation = 0

  constructor(
    private readonly L: SegmentLayout,
    private readonly k: SegmentKernels,
    private readonly memory: WasmMemory | null,
    private readonly threads: SegmentThreads | null,
  ) {}

  begin(): void {
    if (!this.memory || !this.threads) return
    const words = controlWords(this.memory)
    // A reused memory keeps counting: a helper late for an earlier fit sees another fit number and leaves.
    this.fit = Atomics.add(words, Word.FitCounter, 1) + 1
    this.generation = Atomics.load(words, Word.Generation)
    Atomics.store(words, Word.Stop, 0)
    Atomics.store(words, Word.Fit, this.fit)
    // No segment can be claimed until the first phase is published.
    Atomics.store(claimWord(this.memory), 0, (BigInt(this.generation) << 32n) | 0xffffffffn)
    this.threads.post({ kind: 'least-squares segments', memory: this.memory, layout: this.L, fit: this.fit })
  }

  run(phase: Phase): void {
    if (!this.memory || !this.threads) {
      for (let s = 0; s < this.L.segments; s++) runSegment(this.L, this.k, phase, s)
      return
    }
    const words = controlWords(this.memory)
    this.generation = (this.generation + 1) | 0
    Atomics.store(words, Word.Phase, phase)
    Atomics.store(words, Word.Done, 0)
    Atomics.store(claimWord(this.memory), 0, BigInt(this.generation) << 32n)
    Atomics.store(words, Word.Generation, this.generation)
    Atomics.notify(words, Word.Generation)
    if (this.threads.callerWorks !== false) workOnPhase(this.L, this.k, this.memory, this.generation)
    for (let done = Atomics.load(words, Word.Done); done < this.L.segments; done = Atomics.load(words, Word.Done)) {
      Atomics.wait(words, Word.Done, done)
    }
  }

  end(): void {
    if (!this.memory || !this.threads) return
    const words = controlWords(this.memory)
    Atomics.store(words, Word.Stop, 1)
    this.generation = (this.generation + 1) | 0
    Atomics.store(claimWord(this.memory), 0, (BigInt(this.generation) << 32n) | 0xffffffffn)
    Atomics.store(words, Word.Generation, this.generation)
    Atomics.notify(words, Word.Generation)
  }
}

let helperModule: WasmModule | null = null

/**
 * A helper thread's part of one fit: instantiate the kernels on the shared memory, work on the
 * current phase, then sleep until the next one, until the fit ends. Blocks (a thread of its own).
 */
export function runSegmentHelper(job: SegmentHelperJob): void {
  const words = controlWords(job.memory)
  const alive = () => Atomics.load(words, Word.Stop) === 0 && Atomics.load(words, Word.Fit) === job.fit
  if (!alive() || !webAssembly) return
  helperModule ??= new webAssembly.Module(Uint8Array.from(atob(kernelWasmBase64), (c) => c.charCodeAt(0)))
  const instance = new webAssembly.Instance(helperModule, { env: { memory: job.memory } })
  const k = bindSegmentKernels(instance, job.memory, job.layout.doubles)
  let seen = Atomics.load(words, Word.Generation)
  for (;;) {
    if (!alive()) return
    workOnPhase(job.layout, k, job.memory, seen)
    Atomics.wait(words, Word.Generation, seen)
    seen = Atomics.load(words, Word.Generation)
  }
}
