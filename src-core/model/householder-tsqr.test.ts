import { describe, expect, it } from 'vitest'
import { Random } from '../random'
import { TSQR_BLOCK_ROWS, factorTallSkinny } from './householder-tsqr'

/** Seeded n × p matrix, row-major, with columns of different scales. */
function matrix(n: number, p: number, seed: number): Float64Array {
  const rng = new Random(seed)
  return Float64Array.from({ length: n * p }, (_, k) => rng.uniform(-1, 1) * (1 + (k % p)))
}

function factor(A: Float64Array, n: number, p: number, wasm: boolean) {
  return factorTallSkinny(n, p, (i, dst, at, stride) => {
    for (let j = 0; j < p; j++) dst[at + j * stride] = A[i * p + j]!
  }, wasm)
}

// Row counts around the block size: one partial block, exact blocks, a tail of one row.
const shapes: [number, number][] = [[3, 3], [50, 4], [TSQR_BLOCK_ROWS, 5], [TSQR_BLOCK_ROWS * 3 + 1, 7], [1000, 33]]

describe('blocked (TSQR) Householder QR', () => {
  for (const wasm of [true, false]) {
    const kernels = wasm ? 'WebAssembly' : 'TypeScript'
    for (const [n, p] of shapes) {
      it(`${kernels} kernels, ${n}×${p}: RᵀR = AᵀA with R upper triangular`, () => {
        const A = matrix(n, p, n + p)
        const { R } = factor(A, n, p, wasm)
        for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) expect(R[i * p + j]).toBe(0)
        // AᵀA computed directly (the normal-equations matrix: fine as a check, not as a method).
        for (let a = 0; a < p; a++) {
          for (let b = 0; b < p; b++) {
            let ata = 0
            let scale = 0
            for (let i = 0; i < n; i++) {
              ata += A[i * p + a]! * A[i * p + b]!
              scale += Math.abs(A[i * p + a]! * A[i * p + b]!)
            }
            let rtr = 0
            for (let k = 0; k < p; k++) rtr += R[k * p + a]! * R[k * p + b]!
            expect(Math.abs(rtr - ata) / scale, `(${a}, ${b})`).toBeLessThan(1e-13)
          }
        }
      })

      it(`${kernels} kernels, ${n}×${p}: Q is orthogonal (Q Qᵀz = z, ‖Qᵀz‖ = ‖z‖)`, () => {
        const qr = factor(matrix(n, p, 3), n, p, wasm)
        const rng = new Random(5)
        const z = Float64Array.from({ length: n }, () => rng.uniform(-1, 1))
        const work = z.slice()
        const top = qr.applyQt(work)
        let normZ = 0
        let normQz = 0
        for (const v of z) normZ += v * v
        for (const v of work) normQz += v * v
        for (const v of top) normQz += v * v
        expect(Math.abs(normQz / normZ - 1)).toBeLessThan(1e-13)
        qr.applyQ(top, work)
        work.forEach((v, i) => expect(Math.abs(v - z[i]!)).toBeLessThan(1e-13))
      })
    }
  }

  it('both kernels give the same R up to rounding', () => {
    const [n, p] = [TSQR_BLOCK_ROWS * 5 + 17, 9]
    const A = matrix(n, p, 11)
    const a = factor(A, n, p, true).R
    const b = factor(A, n, p, false).R
    a.forEach((v, k) => expect(Math.abs(v - b[k]!)).toBeLessThan(1e-12 * Math.abs(b[Math.floor(k / p) * (p + 1)]!)))
  })
})
