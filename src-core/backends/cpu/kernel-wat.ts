/**
 * Generates the WebAssembly text of the CPU backend's SIMD kernels. The text is assembled by
 * `npm run wasm` (scripts/build-cpu-kernels.ts, with the `wabt` package) into the bytes committed in
 * kernel-wasm-bytes.ts; kernel-wasm.test.ts checks that those bytes are what this generator gives.
 *
 * One exported function per storage precision and feature count d ≤ MAX_UNROLLED_FEATURES, fully
 * unrolled so that θ (and, for f64, the gradient accumulators) stay in registers, plus one looped function per
 * precision for any d. Every function computes one chunk of rows from zero:
 *
 *   (x, y, order, start, end, params, out, withGrad) → ()
 *   out[0] = Σ r², out[1 + j] = Σ r·x_j, out[1 + d] = Σ r,   r = x·w + b − y
 *
 * over rows order[start…end) (order = 0: rows start…end). The f64 kernels, and the looped f32 one
 * (f32 values widened exactly with f64x2.promote_low_f32x4), compute in f64 and differ from the
 * TypeScript reference (fused-pass.ts) only in the order of additions: the dot product is summed
 * as a balanced tree of pairs, the gradient per feature in row order. The unrolled f32 kernels
 * compute in f32 over short blocks of rows, with a stated error bound (f32UnrolledFunction).
 */
import type { Precision } from '../backend'

export const MAX_UNROLLED_FEATURES = 32

const bytesOf = (p: Precision) => (p === 'f32' ? 4 : 8)

/** The f64x2 pieces one row of d features is widened into: pairs, then maybe one scalar. */
interface RowLayout {
  pairs: number
  scalar: boolean
}
const layoutOf = (d: number): RowLayout => ({ pairs: Math.floor(d / 2), scalar: d % 2 === 1 })

/** Loads of one row into locals $v0…, $vs (f64x2 pairs, f64 scalar) from $row. */
function loadRow(p: Precision, d: number): string[] {
  const { pairs, scalar } = layoutOf(d)
  const out: string[] = []
  if (p === 'f64') {
    for (let k = 0; k < pairs; k++) out.push(`(local.set $v${k} (v128.load offset=${16 * k} align=8 (local.get $row)))`)
    if (scalar) out.push(`(local.set $vs (f64.load offset=${16 * pairs} (local.get $row)))`)
    return out
  }
  // f32: a quad of floats gives two pairs (low half, then the high half shuffled down).
  for (let k = 0; k < pairs; k += 2) {
    if (k + 1 < pairs) {
      out.push(`(local.set $q (v128.load offset=${8 * k} align=4 (local.get $row)))`)
      out.push(`(local.set $v${k} (f64x2.promote_low_f32x4 (local.get $q)))`)
      out.push(`(local.set $v${k + 1} (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q) (local.get $q))))`)
    } else {
      out.push(`(local.set $v${k} (f64x2.promote_low_f32x4 (v128.load64_zero offset=${8 * k} align=4 (local.get $row))))`)
    }
  }
  if (scalar) out.push(`(local.set $vs (f64.promote_f32 (f32.load offset=${8 * pairs} (local.get $row))))`)
  return out
}

/** Balanced sum of the expressions (shorter dependency chains than a running sum). */
function tree(terms: string[], add: string): string {
  if (terms.length === 1) return terms[0]!
  const half = Math.ceil(terms.length / 2)
  return `(${add} ${tree(terms.slice(0, half), add)} ${tree(terms.slice(half), add)})`
}

function unrolledFunction(p: Precision, d: number): string {
  const { pairs, scalar } = layoutOf(d)
  const bytes = bytesOf(p)
  const locals: string[] = ['(local $k i32) (local $row i32) (local $r f64) (local $rr v128) (local $sse f64) (local $sumR f64) (local $b f64) (local $q v128) (local $vs f64) (local $ps f64) (local $gs f64)']
  for (let k = 0; k < pairs; k++) locals.push(`(local $v${k} v128) (local $p${k} v128) (local $g${k} v128)`)
  const loadParams: string[] = []
  for (let k = 0; k < pairs; k++) loadParams.push(`(local.set $p${k} (v128.load offset=${16 * k} align=8 (local.get $params)))`)
  if (scalar) loadParams.push(`(local.set $ps (f64.load offset=${16 * pairs} (local.get $params)))`)
  loadParams.push(`(local.set $b (f64.load offset=${8 * d} (local.get $params)))`)

  const dotTerms: string[] = []
  for (let k = 0; k < pairs; k++) dotTerms.push(`(f64x2.mul (local.get $v${k}) (local.get $p${k}))`)
  const dotPairs = pairs > 0 ? tree(dotTerms, 'f64x2.add') : null
  const yLoad = p === 'f32' ? `(f64.promote_f32 (f32.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))))` : `(f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))`
  let residual = `(f64.sub (local.get $b) ${yLoad})`
  if (scalar) residual = `(f64.add ${residual} (f64.mul (local.get $vs) (local.get $ps)))`
  if (dotPairs) {
    residual = `(f64.add ${residual} (f64.add (f64x2.extract_lane 0 (local.tee $rr ${dotPairs})) (f64x2.extract_lane 1 (local.get $rr))))`
  }

  // A mini-batch visits rows through the order array; the branch on it is perfectly predicted.
  const loop = (grad: boolean): string => {
    const body = [
      `(local.set $i (if (result i32) (local.get $order) (then (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2))))) (else (local.get $k))))`,
      `(local.set $row (i32.add (local.get $x) (i32.mul (local.get $i) (i32.const ${d * bytes}))))`,
      ...loadRow(p, d),
      `(local.set $r ${residual})`,
      `(local.set $sse (f64.add (local.get $sse) (f64.mul (local.get $r) (local.get $r))))`,
    ]
    if (grad) {
      body.push(`(local.set $sumR (f64.add (local.get $sumR) (local.get $r)))`)
      body.push(`(local.set $rr (f64x2.splat (local.get $r)))`)
      for (let k = 0; k < pairs; k++) body.push(`(local.set $g${k} (f64x2.add (local.get $g${k}) (f64x2.mul (local.get $v${k}) (local.get $rr))))`)
      if (scalar) body.push(`(local.set $gs (f64.add (local.get $gs) (f64.mul (local.get $vs) (local.get $r))))`)
    }
    return `(block $done (loop $rows
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        ${body.join('\n        ')}
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows)))`
  }

  const store: string[] = ['(f64.store (local.get $out) (local.get $sse))']
  store.push(`(if (local.get $withGrad) (then`)
  for (let k = 0; k < pairs; k++) store.push(`  (v128.store offset=${8 + 16 * k} align=8 (local.get $out) (local.get $g${k}))`)
  if (scalar) store.push(`  (f64.store offset=${8 + 16 * pairs} (local.get $out) (local.get $gs))`)
  store.push(`  (f64.store offset=${8 * (d + 1)} (local.get $out) (local.get $sumR))))`)

  return `(func (export "${p}_${d}") (param $x i32) (param $y i32) (param $order i32) (param $start i32) (param $end i32) (param $params i32) (param $out i32) (param $withGrad i32)
    (local $i i32) ${locals.join(' ')}
    ${loadParams.join('\n    ')}
    (local.set $k (local.get $start))
    (if (local.get $withGrad) (then ${loop(true)}) (else ${loop(false)}))
    ${store.join('\n    ')})`
}

/**
 * Rows per f32 block: products and sums are f32 within a block, block sums are added in f64.
 * A multiple of 4 (the kernel takes rows four at a time). See the error bound in f32UnrolledFunction.
 */
export const F32_BLOCK_ROWS = 16

/**
 * Where an f32 kernel keeps its working sums inside its `out` slot, past the d + 2 results: the
 * f32 block sums (one quad per 4 features) and four scratch quads (see f32UnrolledFunction).
 * `bytes` is the slot size a chunk needs (chunked-pass.ts sizes the slots with it).
 */
export function f32SlotScratch(d: number): { gradOffset: number; scratchOffset: number; bytes: number } {
  const gradOffset = Math.ceil((8 * (d + 2)) / 16) * 16
  const scratchOffset = gradOffset + 16 * Math.ceil(d / 4)
  return { gradOffset, scratchOffset, bytes: scratchOffset + 64 }
}

/** An i8x16.shuffle taking f32 lanes `lanes` (0–3: first operand, 4–7: second). */
const laneShuffle = (lanes: number[], a: string, b: string) =>
  `(i8x16.shuffle ${lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]).join(' ')} ${a} ${b})`

/**
 * The f32 kernels (d ≤ MAX_UNROLLED_FEATURES): f32x4 arithmetic on the stored floats, four rows per
 * step, so nothing is widened per value. θ is rounded to f32 once per call (w̃ⱼ = fl₃₂(wⱼ)).
 *
 * Per row i: the dot product sᵢ = Σⱼ xᵢⱼw̃ⱼ is a balanced f32 tree (products within quads of
 * features, the quads' sums, then the four lanes), rᵢ = sᵢ + (b − yᵢ) in f64; Σr² and Σr are f64.
 * Gradient: r̃ᵢ = fl₃₂(rᵢ), the products r̃ᵢxᵢⱼ are summed in f32 over a block of F32_BLOCK_ROWS
 * rows counted from `start` (a chunk's first row), and each block sum is added into f64.
 *
 * Error bound, with u = 2⁻²⁴, γₖ = ku/(1 − ku) (Higham, Accuracy and Stability of Numerical
 * Algorithms, §3.1, §4.2) and aᵢ = Σⱼ|xᵢⱼwⱼ|, and the f64 roundings (2⁻⁵³ per operation) left out:
 *   |r̂ᵢ − rᵢ| ≤ εᵢ = γ_{2+t}·aᵢ,  t = ⌈log₂ q⌉ + 2 the tree's depth over q = ⌈d/4⌉ quads,
 *   |L̂ − L| ≤ (1/m) Σᵢ (2|rᵢ|εᵢ + εᵢ²),      L = (1/m) Σ rᵢ²,
 *   |ĝⱼ − gⱼ| ≤ (2/m) Σᵢ (γ_{b+1}·|rᵢxᵢⱼ| + (1 + γ_{b+1})·εᵢ|xᵢⱼ|),  b = F32_BLOCK_ROWS,
 * (the ∂/∂b entry is Σr in f64: (2/m) Σᵢ εᵢ). f32-error-bound.ts evaluates these bounds. For
 * comparison, PyTorch's f32 X @ w and Xᵀ r round b and y too and sum all m rows in f32
 * (γₘ-sized bounds: 0.03 at 500k rows where this is γ₁₇ ≈ 1e-6).
 *
 * Shaped for V8's code generator (x64 has 16 SIMD registers; V8 hoists a block's loads to its top
 * and spills what does not fit), as its machine code showed (README, f32 paragraph):
 * - the block sums Gq (f32) and the f64 sums live in the `out` slot, not in locals: each Gq update
 *   is a load, an add and a store, and that store orders the next quad's loads after it, so only
 *   one quad of four rows is live at a time;
 * - each row's dot vector is stored to a scratch line of the slot for the same reason (the store
 *   needs the row's products, so the next row's loads cannot be hoisted above them);
 * - software pipelining: step k's gradient update runs after step k+1's dot products, so the
 *   core's out-of-order window holds independent work instead of a whole step's dependency chain
 *   (dot → residual → r̃ → gradient) waiting.
 * None of this changes an operation or its order: results are bit-identical to the plain loop.
 */
function f32UnrolledFunction(d: number): string {
  const Q = Math.ceil(d / 4)
  const rem = d % 4
  const P = Math.ceil(d / 2)
  const stride = 4 * d
  const { gradOffset, scratchOffset } = f32SlotScratch(d)
  const g = (name: string) => `(local.get $${name})`
  const locals: string[] = [
    '(local $k i32) (local $blockEnd i32) (local $row0 i32) (local $row1 i32) (local $row2 i32) (local $row3 i32)',
    '(local $prev0 i32) (local $prev1 i32) (local $prev2 i32) (local $prev3 i32)',
    '(local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $c v128) (local $yv v128)',
    '(local $rlo v128) (local $rhi v128) (local $R v128) (local $R0 v128) (local $R1 v128) (local $R2 v128) (local $R3 v128)',
    '(local $sse2 v128) (local $sum2 v128) (local $sse f64) (local $sumR f64) (local $bias f64) (local $r f64)',
  ]
  for (let q = 0; q < Q; q++) locals.push(`(local $W${q} v128)`)

  // θ → f32 quads, the lanes past d zero (so the zero-filled loads past d add nothing).
  const setup: string[] = []
  for (let q = 0; q < Q; q++) {
    let w = '(v128.const i32x4 0 0 0 0)'
    for (let l = 0; l < 4 && 4 * q + l < d; l++) w = `(f32x4.replace_lane ${l} ${w} (f32.demote_f64 (f64.load offset=${8 * (4 * q + l)} (local.get $params))))`
    setup.push(`(local.set $W${q} ${w})`)
  }
  setup.push(`(local.set $bias (f64.load offset=${8 * d} (local.get $params)))`)
  const zero = '(v128.const i32x4 0 0 0 0)'
  // The f64 sums (out[1…d], by pairs) and the block sums start at zero.
  for (let p = 0; p < P; p++) setup.push(`(v128.store offset=${8 + 16 * p} align=8 (local.get $out) ${zero})`)
  for (let q = 0; q < Q; q++) setup.push(`(v128.store offset=${gradOffset + 16 * q} align=8 (local.get $out) ${zero})`)
  // b as f64x2, reloaded where used (one load instead of a register held through the loop).
  const B = `(f64x2.splat (f64.load offset=${8 * d} (local.get $params)))`

  /** Quad q of the row at (base local, byte offset): exactly d − 4q floats when fewer than 4 remain. */
  const quad = (base: string, off: number, q: number): string => {
    const o = off + 16 * q
    const n = q === Q - 1 && rem !== 0 ? rem : 4
    if (n === 4) return `(v128.load offset=${o} align=4 ${g(base)})`
    if (n === 1) return `(v128.load32_zero offset=${o} align=4 ${g(base)})`
    if (n === 2) return `(v128.load64_zero offset=${o} align=4 ${g(base)})`
    return `(f32x4.replace_lane 2 (v128.load64_zero offset=${o} align=4 ${g(base)}) (f32.load offset=${o + 8} ${g(base)}))`
  }
  const dotVector = (base: string, off: number) => tree(Array.from({ length: Q }, (_, q) => `(f32x4.mul ${quad(base, off, q)} ${g(`W${q}`)})`), 'f32x4.add')
  const f32AddAt = (i: number) => `(i32.add (local.get $y) (i32.shl (local.get $row${i}) (i32.const 2)))`
  /** Gq += term, in the slot. */
  const addToBlockSum = (q: number, term: string) =>
    `(v128.store offset=${gradOffset + 16 * q} align=8 (local.get $out) (f32x4.add (v128.load offset=${gradOffset + 16 * q} align=8 (local.get $out)) ${term}))`

  /**
   * Four rows k…k+3 (`ordered`: through the order array; else contiguous from row0), in three parts:
   * `dot` (residuals, Σr², Σr), `r` (r̃ broadcast per row, the rows kept as prev), `grad` (the
   * block sums, of the rows in prev).
   */
  const four = (ordered: boolean, part: 'dot' | 'r' | 'grad', grad: boolean): string[] => {
    const body: string[] = []
    const rowOf = (base: string, i: number): [string, number] => (ordered ? [`${base}${i}`, 0] : [`${base}0`, i * stride])
    if (part === 'r') {
      body.push(`(local.set $R ${laneShuffle([0, 1, 4, 5], `(f32x4.demote_f64x2_zero ${g('rlo')})`, `(f32x4.demote_f64x2_zero ${g('rhi')})`)})`)
      for (let i = 0; i < 4; i++) body.push(`(local.set $R${i} ${laneShuffle([i, i, i, i], g('R'), g('R'))})`)
      for (let i = 0; i < (ordered ? 4 : 1); i++) body.push(`(local.set $prev${i} (local.get $row${i}))`)
      return body
    }
    if (part === 'grad') {
      for (let q = 0; q < Q; q++) body.push(addToBlockSum(q, tree(Array.from({ length: 4 }, (_, i) => `(f32x4.mul ${quad(...rowOf('prev', i), q)} ${g(`R${i}`)})`), 'f32x4.add')))
      return body
    }
    if (ordered) {
      // $row_i holds the row index first (for y), then its address.
      for (let i = 0; i < 4; i++) body.push(`(local.set $row${i} (i32.load offset=${4 * i} (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))`)
      body.push(`(local.set $yv (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load ${f32AddAt(0)})) (f32.load ${f32AddAt(1)})) (f32.load ${f32AddAt(2)})) (f32.load ${f32AddAt(3)})))`)
      for (let i = 0; i < 4; i++) body.push(`(local.set $row${i} (i32.add (local.get $x) (i32.mul (local.get $row${i}) (i32.const ${stride}))))`)
    } else {
      body.push(`(local.set $row0 (i32.add (local.get $x) (i32.mul (local.get $k) (i32.const ${stride}))))`)
      body.push(`(local.set $yv (v128.load align=4 (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 2)))))`)
    }
    for (let i = 0; i < 4; i++) {
      body.push(`(local.set $v${i} ${dotVector(...rowOf('row', i))})`)
      body.push(`(v128.store offset=${scratchOffset + 16 * i} align=8 (local.get $out) ${g(`v${i}`)})`)
    }
    // Transpose-and-add: c = (Σ v0, Σ v1, Σ v2, Σ v3), each a balanced sum of its four lanes.
    const half = (a: string, b: string) => `(f32x4.add ${laneShuffle([0, 1, 4, 5], a, b)} ${laneShuffle([2, 3, 6, 7], a, b)})`
    body.push(`(local.set $v0 ${half(g('v0'), g('v1'))})`)
    body.push(`(local.set $v2 ${half(g('v2'), g('v3'))})`)
    body.push(`(local.set $c (f32x4.add ${laneShuffle([0, 2, 4, 6], g('v0'), g('v2'))} ${laneShuffle([1, 3, 5, 7], g('v0'), g('v2'))}))`)
    const high = (v: string) => laneShuffle([2, 3, 2, 3], v, v)
    body.push(`(local.set $rlo (f64x2.add (f64x2.promote_low_f32x4 ${g('c')}) (f64x2.sub ${B} (f64x2.promote_low_f32x4 ${g('yv')}))))`)
    body.push(`(local.set $rhi (f64x2.add (f64x2.promote_low_f32x4 ${high(g('c'))}) (f64x2.sub ${B} (f64x2.promote_low_f32x4 ${high(g('yv'))}))))`)
    body.push(`(local.set $sse2 (f64x2.add ${g('sse2')} (f64x2.add (f64x2.mul ${g('rlo')} ${g('rlo')}) (f64x2.mul ${g('rhi')} ${g('rhi')}))))`)
    if (grad) body.push(`(local.set $sum2 (f64x2.add ${g('sum2')} (f64x2.add ${g('rlo')} ${g('rhi')})))`)
    return body
  }

  /** One row k (the tail of a chunk whose length is not a multiple of 4). */
  const one = (grad: boolean, ordered: boolean): string[] => {
    const body: string[] = [
      `(local.set $row1 ${ordered ? '(i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2))))' : '(local.get $k)'})`,
      `(local.set $row0 (i32.add (local.get $x) (i32.mul (local.get $row1) (i32.const ${stride}))))`,
      `(local.set $v0 ${dotVector('row0', 0)})`,
      `(local.set $v0 (f32x4.add ${g('v0')} ${laneShuffle([2, 3, 2, 3], g('v0'), g('v0'))}))`,
      `(local.set $r (f64.add (f64.promote_f32 (f32.add (f32x4.extract_lane 0 ${g('v0')}) (f32x4.extract_lane 1 ${g('v0')}))) (f64.sub ${g('bias')} (f64.promote_f32 (f32.load ${f32AddAt(1)})))))`,
      `(local.set $sse (f64.add ${g('sse')} (f64.mul ${g('r')} ${g('r')})))`,
    ]
    if (grad) {
      body.push(`(local.set $sumR (f64.add ${g('sumR')} ${g('r')}))`)
      body.push(`(local.set $R0 (f32x4.splat (f32.demote_f64 ${g('r')})))`)
      for (let q = 0; q < Q; q++) body.push(addToBlockSum(q, `(f32x4.mul ${quad('row0', 0, q)} ${g('R0')})`))
    }
    return body
  }

  // A block's f32 sums into the f64 sums (only the pairs holding features), then zeroed.
  const flush: string[] = []
  for (let p = 0; p < P; p++) {
    const G = `(v128.load offset=${gradOffset + 16 * (p >> 1)} align=8 (local.get $out))`
    const promoted = `(f64x2.promote_low_f32x4 ${p % 2 === 0 ? G : laneShuffle([2, 3, 2, 3], G, G)})`
    flush.push(`(v128.store offset=${8 + 16 * p} align=8 (local.get $out) (f64x2.add (v128.load offset=${8 + 16 * p} align=8 (local.get $out)) ${promoted}))`)
  }
  for (let q = 0; q < Q; q++) flush.push(`(v128.store offset=${gradOffset + 16 * q} align=8 (local.get $out) ${zero})`)

  const join = (lines: string[], indent: string) => lines.join(`\n${indent}`)
  /** The four-row steps of one block; with the gradient, software-pipelined (prologue, loop, epilogue). */
  const steps = (grad: boolean, ordered: boolean): string => {
    const i2 = '          '
    if (!grad) {
      return `(block $fd (loop $fl
          (br_if $fd (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $blockEnd)))
          ${join(four(ordered, 'dot', false), i2)}
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $fl)))`
    }
    const i3 = '            '
    return `(if (i32.le_u (i32.add (local.get $k) (i32.const 4)) (local.get $blockEnd)) (then
          ${join([...four(ordered, 'dot', true), ...four(ordered, 'r', true)], i2)}
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (block $fd (loop $fl
            (br_if $fd (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $blockEnd)))
            ${join([...four(ordered, 'dot', true), ...four(ordered, 'grad', true), ...four(ordered, 'r', true)], i3)}
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $fl)))
          ${join(four(ordered, 'grad', true), i2)}))`
  }

  const loop = (grad: boolean, ordered: boolean): string => `(block $done (loop $blocks
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $blockEnd (select (local.get $end) (i32.add (local.get $k) (i32.const ${F32_BLOCK_ROWS})) (i32.lt_u (i32.sub (local.get $end) (local.get $k)) (i32.const ${F32_BLOCK_ROWS}))))
        ${steps(grad, ordered)}
        (block $od (loop $ol
          (br_if $od (i32.ge_u (local.get $k) (local.get $blockEnd)))
          ${join(one(grad, ordered), '          ')}
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $ol)))
        ${grad ? join(flush, '        ') : ''}
        (br $blocks)))`

  const lanesSum = (v: string) => `(f64.add (f64x2.extract_lane 0 ${g(v)}) (f64x2.extract_lane 1 ${g(v)}))`
  // The f64 gradient sums are in place; the last pair's second lane (out[d + 1]) is overwritten by Σr.
  const store: string[] = [`(f64.store (local.get $out) (f64.add ${lanesSum('sse2')} ${g('sse')}))`, '(if (local.get $withGrad) (then']
  store.push(`  (f64.store offset=${8 * (d + 1)} (local.get $out) (f64.add ${lanesSum('sum2')} ${g('sumR')}))))`)

  return `(func (export "f32_${d}") (param $x i32) (param $y i32) (param $order i32) (param $start i32) (param $end i32) (param $params i32) (param $out i32) (param $withGrad i32)
    ${locals.join(' ')}
    ${setup.join('\n    ')}
    (local.set $k (local.get $start))
    (if (local.get $withGrad)
      (then (if (local.get $order) (then ${loop(true, true)}) (else ${loop(true, false)})))
      (else (if (local.get $order) (then ${loop(false, true)}) (else ${loop(false, false)}))))
    ${store.join('\n    ')})`
}

/**
 * Any d: the dot product and the gradient loop over the row's pairs, θ and the gradient sums in
 * memory (out doubles as the accumulator). Used above MAX_UNROLLED_FEATURES, where the row
 * (≥ 33 values) dwarfs the loop overhead.
 */
function loopedFunction(p: Precision): string {
  const bytes = bytesOf(p)
  const load = (addr: string) => (p === 'f64' ? `(f64.load ${addr})` : `(f64.promote_f32 (f32.load ${addr}))`)
  const loadPair = (addr: string) => (p === 'f64' ? `(v128.load align=8 ${addr})` : `(f64x2.promote_low_f32x4 (v128.load64_zero align=4 ${addr}))`)
  return `(func (export "${p}_any") (param $x i32) (param $y i32) (param $order i32) (param $start i32) (param $end i32) (param $params i32) (param $out i32) (param $withGrad i32) (param $d i32)
    (local $i i32) (local $k i32) (local $j i32) (local $row i32) (local $pairsEnd i32) (local $acc v128) (local $r f64) (local $rr v128) (local $sse f64) (local $sumR f64) (local $gptr i32)
    (local.set $pairsEnd (i32.and (local.get $d) (i32.const -2)))
    ;; zero the gradient sums
    (local.set $j (i32.const 0))
    (block $z (loop $zl
      (br_if $z (i32.ge_u (local.get $j) (local.get $d)))
      (f64.store offset=8 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (f64.const 0))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $zl)))
    (local.set $k (local.get $start))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
      (local.set $i (if (result i32) (local.get $order)
        (then (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
        (else (local.get $k))))
      (local.set $row (i32.add (local.get $x) (i32.mul (local.get $i) (i32.mul (local.get $d) (i32.const ${bytes})))))
      (local.set $acc (v128.const i64x2 0 0))
      (local.set $j (i32.const 0))
      (block $pd (loop $pl
        (br_if $pd (i32.ge_u (local.get $j) (local.get $pairsEnd)))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul
          ${loadPair(`(i32.add (local.get $row) (i32.mul (local.get $j) (i32.const ${bytes})))`)}
          (v128.load align=8 (i32.add (local.get $params) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pl)))
      (local.set $r (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      (if (i32.lt_u (local.get $pairsEnd) (local.get $d)) (then
        (local.set $r (f64.add (local.get $r) (f64.mul
          ${load(`(i32.add (local.get $row) (i32.mul (local.get $pairsEnd) (i32.const ${bytes})))`)}
          (f64.load (i32.add (local.get $params) (i32.shl (local.get $pairsEnd) (i32.const 3)))))))))
      (local.set $r (f64.add (local.get $r) (f64.sub
        (f64.load (i32.add (local.get $params) (i32.shl (local.get $d) (i32.const 3))))
        ${load(`(i32.add (local.get $y) (i32.mul (local.get $i) (i32.const ${bytes})))`)})))
      (local.set $sse (f64.add (local.get $sse) (f64.mul (local.get $r) (local.get $r))))
      (if (local.get $withGrad) (then
        (local.set $sumR (f64.add (local.get $sumR) (local.get $r)))
        (local.set $rr (f64x2.splat (local.get $r)))
        (local.set $j (i32.const 0))
        (block $gd (loop $gl
          (br_if $gd (i32.ge_u (local.get $j) (local.get $pairsEnd)))
          (local.set $gptr (i32.add (i32.add (local.get $out) (i32.const 8)) (i32.shl (local.get $j) (i32.const 3))))
          (v128.store align=8 (local.get $gptr) (f64x2.add (v128.load align=8 (local.get $gptr)) (f64x2.mul
            ${loadPair(`(i32.add (local.get $row) (i32.mul (local.get $j) (i32.const ${bytes})))`)}
            (local.get $rr))))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br $gl)))
        (if (i32.lt_u (local.get $pairsEnd) (local.get $d)) (then
          (local.set $gptr (i32.add (i32.add (local.get $out) (i32.const 8)) (i32.shl (local.get $pairsEnd) (i32.const 3))))
          (f64.store (local.get $gptr) (f64.add (f64.load (local.get $gptr)) (f64.mul
            ${load(`(i32.add (local.get $row) (i32.mul (local.get $pairsEnd) (i32.const ${bytes})))`)}
            (local.get $r))))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $rows)))
    (f64.store (local.get $out) (local.get $sse))
    (if (local.get $withGrad) (then
      (f64.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $d) (i32.const 1)) (i32.const 3))) (local.get $sumR)))))`
}

/**
 * A plain read of `count` values (a sum, so the loads cannot be dropped): the stream bound the
 * benchmarks compare the fused pass with. Four independent accumulators keep it load-bound.
 */
function streamFunction(p: Precision): string {
  const add = p === 'f32' ? 'f32x4.add' : 'f64x2.add'
  const perVector = p === 'f32' ? 4 : 2
  return `(func (export "${p}_read") (param $x i32) (param $count i32) (result f64)
    (local $end i32) (local $a v128) (local $b v128) (local $c v128) (local $e v128)
    (local.set $end (i32.add (local.get $x) (i32.mul (i32.and (local.get $count) (i32.const ${-4 * perVector})) (i32.const ${bytesOf(p)}))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $a (${add} (local.get $a) (v128.load offset=0 (local.get $x))))
      (local.set $b (${add} (local.get $b) (v128.load offset=16 (local.get $x))))
      (local.set $c (${add} (local.get $c) (v128.load offset=32 (local.get $x))))
      (local.set $e (${add} (local.get $e) (v128.load offset=48 (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 64)))
      (br $l)))
    (local.set $a (${add} (${add} (local.get $a) (local.get $b)) (${add} (local.get $c) (local.get $e))))
    ${p === 'f32'
      ? `(f64.promote_f32 (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a))) (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))`
      : `(f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a)))`})`
}

/**
 * Kernels of the blocked Householder QR in src-core/model/least-squares.ts (column-major tiles of
 * doubles): a dot product, and one reflector H = I − β·v·vᵀ applied to `ncols` columns, where the
 * reflector and each column have one extra entry ("top", a row of the running R factor) besides
 * `len` contiguous entries. Two accumulators per dot keep the adds' latency chains short.
 */
function leastSquaresFunctions(): string {
  const dotLoop = (a: string, b: string) => `
      (local.set $acc0 (v128.const f64x2 0 0))
      (local.set $acc1 (v128.const f64x2 0 0))
      (local.set $i (i32.const 0))
      (block $d4 (loop $l4
        (br_if $d4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $len)))
        (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (v128.load align=8 (i32.add ${a} (i32.shl (local.get $i) (i32.const 3)))) (v128.load align=8 (i32.add ${b} (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (v128.load offset=16 align=8 (i32.add ${a} (i32.shl (local.get $i) (i32.const 3)))) (v128.load offset=16 align=8 (i32.add ${b} (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $l4)))
      (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_s (local.get $i) (local.get $len)))
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (i32.add ${a} (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add ${b} (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l1)))`
  return `(func (export "ls_dot") (param $a i32) (param $b i32) (param $len i32) (result f64)
    (local $i i32) (local $s f64) (local $acc0 v128) (local $acc1 v128)
    ${dotLoop('(local.get $a)', '(local.get $b)')}
    (local.get $s))
  (func (export "ls_reflect") (param $v i32) (param $vtop f64) (param $beta f64) (param $len i32) (param $col i32) (param $colStride i32) (param $ncols i32) (param $top i32) (param $topStride i32)
    (local $i i32) (local $c i32) (local $s f64) (local $acc0 v128) (local $acc1 v128) (local $bs v128) (local $p i32)
    (block $done (loop $cols
      (br_if $done (i32.ge_s (local.get $c) (local.get $ncols)))
      ${dotLoop('(local.get $v)', '(local.get $col)')}
      ;; s ← β (vtop·top + v·col); top −= s·vtop; col −= s·v
      (local.set $s (f64.mul (local.get $beta) (f64.add (local.get $s) (f64.mul (local.get $vtop) (f64.load (local.get $top))))))
      (f64.store (local.get $top) (f64.sub (f64.load (local.get $top)) (f64.mul (local.get $s) (local.get $vtop))))
      (local.set $bs (f64x2.splat (local.get $s)))
      (local.set $i (i32.const 0))
      (block $a2 (loop $l2
        (br_if $a2 (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $len)))
        (local.set $p (i32.add (local.get $col) (i32.shl (local.get $i) (i32.const 3))))
        (v128.store align=8 (local.get $p) (f64x2.sub (v128.load align=8 (local.get $p)) (f64x2.mul (local.get $bs) (v128.load align=8 (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $l2)))
      (if (i32.lt_s (local.get $i) (local.get $len)) (then
        (local.set $p (i32.add (local.get $col) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $p) (f64.sub (f64.load (local.get $p)) (f64.mul (local.get $s) (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))))))
      (local.set $col (i32.add (local.get $col) (local.get $colStride)))
      (local.set $top (i32.add (local.get $top) (local.get $topStride)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $cols))))`
}

/**
 * ls_refine(x, y, pairs, d, offset, scale, nb, nbHi, nbLo, r, f, g): the double-double residual
 * pass of least squares' iterative refinement (least-squares.ts, refineAugmented) over rows
 * 0…2·pairs, two rows per f64x2 (lane = row). Each lane does exactly the scalar code's operations in
 * its order, so r and f are bit-identical to the TypeScript pass; g (Σ −A[i]·r_i per column, as
 * hi/lo pairs at g + 32j: hi lanes, then lo lanes) is accumulated per lane (even and odd rows),
 * combined by the caller. x row-major n × d (unscaled), scale/nb/nbHi/nbLo p doubles (p = d + offset).
 */
function refineFunction(): string {
  const v = (name: string) => `(local.get $${name})`
  const set = (name: string, e: string) => `(local.set $${name} ${e})`
  const add = (a: string, b: string) => `(f64x2.add ${a} ${b})`
  const sub = (a: string, b: string) => `(f64x2.sub ${a} ${b})`
  const mul = (a: string, b: string) => `(f64x2.mul ${a} ${b})`
  const at = (base: string, j: string) => `(f64x2.splat (f64.load (i32.add ${v(base)} (i32.shl ${j} (i32.const 3)))))`
  const split = (x: string, out: string) => `${set('t', mul('(f64x2.splat (f64.const 134217729))', x))} ${set(out, sub(v('t'), sub(v('t'), x)))}`
  // One column j of one row pair: a (two lanes) already in $a.
  const fitted = (j: string) => set('fit', add(v('fit'), mul(v('a'), at('nb', j))))
  const ddTerm = (j: string) => `
      ${split(v('a'), 'aHi')} ${set('aLo', sub(v('a'), v('aHi')))}
      ${set('prod', mul(v('a'), at('nb', j)))}
      ${set('err', sub(mul(v('aLo'), at('nbLo', j)), sub(sub(sub(v('prod'), mul(v('aHi'), at('nbHi', j))), mul(v('aLo'), at('nbHi', j))), mul(v('aHi'), at('nbLo', j)))))}
      ${set('s', add(v('hi'), v('prod')))} ${set('bb', sub(v('s'), v('hi')))}
      ${set('lo', add(v('lo'), add(add(sub(v('hi'), sub(v('s'), v('bb'))), sub(v('prod'), v('bb'))), v('err'))))} ${set('hi', v('s'))}
      ${set('prod', mul(v('a'), v('nr')))}
      ${set('err', sub(mul(v('aLo'), v('nrLo')), sub(sub(sub(v('prod'), mul(v('aHi'), v('nrHi'))), mul(v('aLo'), v('nrHi'))), mul(v('aHi'), v('nrLo')))))}
      ${set('gp', `(i32.add ${v('g')} (i32.shl ${j} (i32.const 5)))`)}
      ${set('gh', '(v128.load align=8 (local.get $gp))')}
      ${set('s', add(v('gh'), v('prod')))} ${set('bb', sub(v('s'), v('gh')))}
      (v128.store offset=16 align=8 (local.get $gp) ${add('(v128.load offset=16 align=8 (local.get $gp))', add(add(sub(v('gh'), sub(v('s'), v('bb'))), sub(v('prod'), v('bb'))), v('err')))})
      (v128.store align=8 (local.get $gp) ${v('s')})`
  // a_j for feature column k = j − offset of rows x0 and x1, scaled.
  const loadA = `${set('a', mul(`(f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add ${v('x0')} (i32.shl ${v('k')} (i32.const 3))))) (f64.load (i32.add ${v('x1')} (i32.shl ${v('k')} (i32.const 3)))))`, at('scale', '(i32.add (local.get $k) (local.get $offset))')))}`
  const features = (body: (j: string) => string) => `
      ${set('k', '(i32.const 0)')}
      (block $fd (loop $fl
        (br_if $fd (i32.ge_s ${v('k')} ${v('d')}))
        ${loadA}
        ${body('(i32.add (local.get $k) (local.get $offset))')}
        ${set('k', '(i32.add (local.get $k) (i32.const 1))')}
        (br $fl)))`
  const intercept = (body: (j: string) => string) => `(if (local.get $offset) (then ${set('a', at('scale', '(i32.const 0)'))} ${body('(i32.const 0)')}))`
  return `(func (export "ls_refine") (param $x i32) (param $y i32) (param $pairs i32) (param $d i32) (param $offset i32) (param $scale i32) (param $nb i32) (param $nbHi i32) (param $nbLo i32) (param $r i32) (param $f i32) (param $g i32)
    (local $i i32) (local $k i32) (local $x0 i32) (local $x1 i32) (local $gp i32) (local $row i32)
    (local $a v128) (local $aHi v128) (local $aLo v128) (local $t v128) (local $fit v128) (local $yv v128) (local $ri v128)
    (local $hi v128) (local $lo v128) (local $s v128) (local $bb v128) (local $prod v128) (local $err v128) (local $gh v128)
    (local $nr v128) (local $nrHi v128) (local $nrLo v128)
    (block $done (loop $rows
      (br_if $done (i32.ge_s ${v('i')} ${v('pairs')}))
      ${set('x0', `(i32.add ${v('x')} (i32.mul (i32.shl ${v('i')} (i32.const 4)) ${v('d')}))`)}
      ${set('x1', `(i32.add ${v('x0')} (i32.shl ${v('d')} (i32.const 3)))`)}
      ${set('row', `(i32.shl ${v('i')} (i32.const 4))`)}
      ;; r = y − Aβ = y + A(−β): the same rounding as the scalar fitted sum, negated exactly
      ${set('fit', '(f64x2.splat (f64.const 0))')}
      ${intercept(fitted)}
      ${features(fitted)}
      ${set('yv', `(v128.load align=8 (i32.add ${v('y')} ${v('row')}))`)}
      ${set('ri', add(v('yv'), v('fit')))}
      (v128.store align=8 (i32.add ${v('r')} ${v('row')}) ${v('ri')})
      ;; f = y − r − Aβ in double-double
      ${set('hi', v('yv'))} ${set('lo', '(f64x2.splat (f64.const 0))')}
      ${set('s', sub(v('hi'), v('ri')))} ${set('bb', sub(v('s'), v('hi')))}
      ${set('lo', add(v('lo'), add(sub(v('hi'), sub(v('s'), v('bb'))), sub('(f64x2.neg (local.get $ri))', v('bb')))))} ${set('hi', v('s'))}
      ${set('nr', '(f64x2.neg (local.get $ri))')} ${split(v('nr'), 'nrHi')} ${set('nrLo', sub(v('nr'), v('nrHi')))}
      ${intercept(ddTerm)}
      ${features(ddTerm)}
      (v128.store align=8 (i32.add ${v('f')} ${v('row')}) ${add(v('hi'), v('lo'))})
      ${set('i', '(i32.add (local.get $i) (i32.const 1))')}
      (br $rows))))`
}

/** The whole module: memory imported (shared, so helper threads can run the same kernels on it). */
export function kernelModuleText(): string {
  const functions: string[] = []
  for (const p of ['f32', 'f64'] as const) {
    for (let d = 1; d <= MAX_UNROLLED_FEATURES; d++) functions.push(p === 'f32' ? f32UnrolledFunction(d) : unrolledFunction(p, d))
    functions.push(loopedFunction(p))
    functions.push(streamFunction(p))
  }
  functions.push(leastSquaresFunctions())
  functions.push(refineFunction())
  return `(module
  (import "env" "memory" (memory 1 65536 shared))
  ${functions.join('\n  ')}
)
`
}
