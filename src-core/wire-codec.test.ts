import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage, MAX_DEPTH, MAX_MESSAGE_BYTES, oversizeError } from './wire-codec'

/** A message as the server would receive it: [u32 length][JSON], no binary part. */
function rawMessage(json: string): Uint8Array {
  const bytes = new TextEncoder().encode(json)
  const out = new Uint8Array(4 + bytes.byteLength)
  new DataView(out.buffer).setUint32(0, bytes.byteLength, true)
  out.set(bytes, 4)
  return out
}

function nested(depth: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = [v]
  return v
}

describe('wire codec', () => {
  it('refuses a message nested 2,000 levels deep (4 KB) with a TypeError, before JSON.parse', () => {
    const deep = `{"id":${'['.repeat(2000)}1${']'.repeat(2000)},"method":"app.info","args":[]}`
    expect(deep.length).toBeGreaterThan(4000)
    expect(() => decodeMessage(rawMessage(deep))).toThrow(new TypeError(`wire codec: message nested deeper than ${MAX_DEPTH} levels`))
    // brackets inside strings (column names, escaped quotes) are text, not nesting
    const text = JSON.stringify({ name: `${'[{'.repeat(200)}\\"[` })
    expect(decodeMessage(rawMessage(text))).toEqual(JSON.parse(text))
  })

  it('encodes and decodes up to MAX_DEPTH levels, refuses one more', () => {
    expect(decodeMessage(encodeMessage(nested(MAX_DEPTH)))).toEqual(nested(MAX_DEPTH))
    expect(() => encodeMessage(nested(MAX_DEPTH + 1))).toThrow(`nested deeper than ${MAX_DEPTH} levels`)
    expect(() => decodeMessage(rawMessage(JSON.stringify(nested(MAX_DEPTH + 1))))).toThrow(TypeError)
  })

  it('sizes messages by the largest upload the importer can build: 100 M cells of 8 bytes plus 64 MiB of JSON', () => {
    expect(MAX_MESSAGE_BYTES).toBe(100_000_000 * 8 + 64 * 1024 ** 2)
    expect(oversizeError(MAX_MESSAGE_BYTES)).toBeNull()
    expect(oversizeError(MAX_MESSAGE_BYTES + 1)).not.toBeNull()
    expect(oversizeError(2 * 1024 ** 3)?.sentence).toBe(
      'This request is too large for Slope’s server (2 GiB; at most 826.9 MiB). Import fewer rows or columns, or use the desktop app or the slope CLI for data this large.',
    )
  })

  it('refuses a cyclic value; the same object twice, side by side, is not a cycle', () => {
    const a: Record<string, unknown> = { x: 1 }
    a.self = { back: a }
    expect(() => encodeMessage(a)).toThrow(new TypeError('wire codec: cannot encode a cyclic value'))
    const shared = { y: 2 }
    expect(decodeMessage(encodeMessage({ p: shared, q: [shared] }))).toEqual({ p: { y: 2 }, q: [{ y: 2 }] })
  })

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
