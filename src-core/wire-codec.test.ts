import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage } from './wire-codec'

describe('wire codec', () => {
  it('round-trips typed arrays bit for bit, including NaN payloads and −0', () => {
    const f64 = Float64Array.from([1.5, -0, NaN, Infinity, 1e-310, Math.PI])
    const f32 = Float32Array.from([0.1, -2.5])
    const u32 = Uint32Array.from([0, 4294967295])
    const back = decodeMessage(encodeMessage({ f64, nested: [{ f32 }, u32], u8: Uint8Array.from([7]) })) as Record<string, unknown>
    expect(new Uint8Array((back.f64 as Float64Array).buffer)).toEqual(new Uint8Array(f64.buffer))
    expect(Array.from(((back.nested as unknown[])[0] as { f32: Float32Array }).f32)).toEqual(Array.from(f32))
    expect(Array.from((back.nested as unknown[])[1] as Uint32Array)).toEqual([0, 4294967295])
    expect(back.u8).toBeInstanceOf(Uint8Array)
  })

  it('carries non-finite numbers that JSON would turn into null', () => {
    expect(decodeMessage(encodeMessage({ a: NaN, b: [Infinity, -Infinity, 2] }))).toEqual({ a: NaN, b: [Infinity, -Infinity, 2] })
  })

  it('keeps user keys that look like markers, and "__proto__", as plain data', () => {
    const tricky = JSON.parse('{"\\u0000t": "f64", "o": 0, "n": 99, "__proto__": {"polluted": true}, "\\u0000\\u0000x": 1}')
    const back = decodeMessage(encodeMessage({ coefficients: tricky })) as { coefficients: Record<string, unknown> }
    expect(Object.keys(back.coefficients).sort()).toEqual(['\u0000\u0000x', '\u0000t', '__proto__', 'n', 'o'].sort())
    expect(back.coefficients['\u0000t']).toBe('f64')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('views of a larger buffer encode only their own elements', () => {
    const big = Float64Array.from({ length: 100 }, (_, i) => i)
    const back = decodeMessage(encodeMessage(big.subarray(10, 13))) as Float64Array
    expect(Array.from(back)).toEqual([10, 11, 12])
  })

  it('decodes a message that sits at an offset inside a larger buffer (a Node Buffer from the pool)', () => {
    const m = encodeMessage({ x: Float64Array.from([1.5, 2.5]) })
    const pool = new Uint8Array(m.byteLength + 3)
    pool.fill(0xff)
    pool.set(m, 3)
    const back = decodeMessage(Buffer.from(pool.buffer, 3, m.byteLength)) as { x: Float64Array }
    expect(Array.from(back.x)).toEqual([1.5, 2.5])
  })

  it('rejects truncated or out-of-bounds messages instead of reading garbage', () => {
    const m = encodeMessage({ x: Float64Array.from([1, 2, 3]) })
    expect(() => decodeMessage(m.subarray(0, m.length - 8))).toThrow('out of bounds')
    expect(() => decodeMessage(Uint8Array.from([255, 255, 0, 0, 1]))).toThrow('truncated')
  })
})
