import { describe, expect, it } from 'vitest'
import { leastSquares, REPORTED_DIGITS, residualPassWasm, type LeastSquaresFit } from './least-squares'
import { loadNist } from '../testing/nist'

// The SIMD residual pass of the refinement (kernel-wat.ts, ls_refine) against exact arithmetic:
// every double is an integer times 2⁻¹¹⁰⁰, so sums of exact products are exact BigInts at 2⁻²²⁰⁰.
const view = new DataView(new ArrayBuffer(8))
function exact(x: number): bigint {
  if (x === 0) return 0n
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const exp = Number((bits >> 52n) & 0x7ffn)
  let mant = bits & ((1n << 52n) - 1n)
  if (exp !== 0) mant |= 1n << 52n
  const shift = BigInt(Math.max(exp, 1) - 1075 + 1100)
  const v = mant << shift
  return x < 0 ? -v : v
}
const toNumber = (v: bigint, scaleBits: number) => {
  // Round a BigInt at 2^-scaleBits to the nearest double (through its leading 64 bits: ample here).
  const neg = v < 0n
  let a = neg ? -v : v
  let e = -scaleBits
  while (a >= 1n << 64n) {
    a >>= 1n
    e++
  }
  const x = Number(a) * 2 ** e
  return neg ? -x : x
}
const split = (x: number) => {
  const t = 134217729 * x
  return t - (t - x)
}

describe('least squares refinement: SIMD residual pass (ls_refine)', () => {
  for (const [n, d, offset] of [[7, 3, 1], [10, 16, 0], [129, 5, 1], [64, 1, 0]] as const) {
    it(`${n} rows × ${d} features${offset ? ' with intercept' : ''}: r bit-identical to y − Aβ, f and g exact to double-double`, () => {
      let seed = n * 31 + d
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1
      const p = d + offset
      const X = Float64Array.from({ length: n * d }, () => rand() * 1e3)
      const y = Float64Array.from({ length: n }, () => rand() * 1e4)
      const scale = Float64Array.from({ length: p }, (_, j) => 2 ** -(j % 4))
      const beta = Array.from({ length: p }, () => rand() * 10)
      const nb = beta.map((v) => -v)
      const nbHi = nb.map(split)
      const nbLo = nb.map((v, j) => v - nbHi[j]!)
      const r = new Float64Array(n)
      const f = new Float64Array(n)
      const gHi = new Float64Array(p)
      const gLo = new Float64Array(p)
      const rows = residualPassWasm({ X, d, offset, scale }, y, nb, nbHi, nbLo, r, f, gHi, gLo)
      expect(rows).toBe(n - (n % 2))
      const a = (i: number, j: number) => (j < offset ? scale[0]! : X[i * d + j - offset]! * scale[j]!)
      const g = new Array<bigint>(p).fill(0n)
      for (let i = 0; i < rows; i++) {
        let fitted = 0
        for (let j = 0; j < p; j++) fitted += a(i, j) * beta[j]!
        expect(r[i]).toBe(y[i]! - fitted)
        let fe = (exact(y[i]!) - exact(r[i]!)) << 1100n
        for (let j = 0; j < p; j++) {
          fe -= exact(a(i, j)) * exact(beta[j]!)
          g[j] = g[j]! - exact(a(i, j)) * exact(r[i]!)
        }
        const fx = toNumber(fe, 2200)
        expect(Math.abs(f[i]! - fx)).toBeLessThanOrEqual(Math.abs(y[i]!) * 1e-28 + Math.abs(fx) * 1e-15)
      }
      for (let j = 0; j < p; j++) {
        const gx = toNumber(g[j]!, 2200)
        expect(Math.abs(gHi[j]! + gLo[j]! - gx)).toBeLessThanOrEqual(Math.abs(gx) * 1e-15 + 1e-20)
      }
    })
  }
})

// The refinement is skipped only where refinementCannotChangeReport's bound proves that no printed
// figure (REPORTED_DIGITS significant digits) would change. 'never' and 'always' are the two answers
// the default ('auto') must equal bit for bit, whichever the bound chose.
describe('least squares: skipping the refinement under the forward-error bound', () => {
  const figures = (fit: LeastSquaresFit) => [...(fit.interceptStats ? [fit.interceptStats] : []), ...fit.coefficients]
    .flatMap((c) => [c.estimate, c.stdError, c.t, ...c.ci95])
    .concat(fit.residualSd)
    .map((x) => x.toPrecision(REPORTED_DIGITS))

  it('Filip (ill-conditioned: the κ² term dominates): the bound says refine (the default is the refined answer, not the unrefined one)', () => {
    const c = loadNist('Filip')
    const input = { X: c.X, y: c.y, features: c.features, intercept: c.intercept }
    const auto = leastSquares(input)
    expect(auto).toEqual(leastSquares(input, { refine: 'always' }))
    expect(leastSquares(input, { refine: 'never' })).not.toEqual(auto)
  })

  it("Norris: skipping would print the same digits but lose README's 13.2 correct ones (LRE 12.6), so it refines", () => {
    const c = loadNist('Norris')
    const input = { X: c.X, y: c.y, features: c.features, intercept: c.intercept }
    expect(leastSquares(input)).toEqual(leastSquares(input, { refine: 'always' }))
  })

  it('NoInt2 (3 rows, well-conditioned): the bound says skip, and the refined answer prints the same digits', () => {
    const c = loadNist('NoInt2')
    const input = { X: c.X, y: c.y, features: c.features, intercept: c.intercept }
    const auto = leastSquares(input)
    const refined = leastSquares(input, { refine: 'always' })
    expect(auto).toEqual(leastSquares(input, { refine: 'never' }))
    expect(refined).not.toEqual(auto) // the step does move the last bits…
    expect(figures(auto)).toEqual(figures(refined)) // …but no printed digit
  })
})
