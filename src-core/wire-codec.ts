/**
 * Binary encoding of contract messages for browser mode's WebSocket (Electron IPC uses structured
 * clone and needs none of this). JSON cannot carry typed arrays efficiently or NaN/±∞ at all, so:
 *
 *   [u32 little-endian: JSON byte length][JSON, UTF-8][zero padding to 8][typed-array bytes, each 8-aligned]
 *
 * In the JSON tree a typed array is {"\u0000t": kind, "o": byteOffset, "n": length} and a
 * non-finite number {"\u0000n": "NaN" | "Infinity" | "-Infinity"}. Object keys that happen to
 * start with U+0000 (keys can be column names) are escaped by one more U+0000, so no data can be
 * mistaken for a marker.
 *
 * Hostile or broken values are refused, never followed: nesting deeper than MAX_DEPTH (checked on
 * the JSON text before JSON.parse, so a 4 KB message of 2,000 nested arrays costs nothing) and
 * cyclic values (encode) throw a TypeError the server answers with an error envelope. A stack
 * overflow, by contrast, is a RangeError that escapes every catch block that re-encodes the value.
 */

/**
 * Deepest nesting of objects and arrays in a message. The contract's deepest value (a run's detail
 * inside its envelope: envelope › value › outcome › statistics › … › a coefficient) is ~12 levels.
 */
export const MAX_DEPTH = 64

/**
 * The largest message browser mode's WebSocket accepts (server maxPayload; the page checks it
 * before sending, to say so in a sentence). Sized by the largest request, datasets.import: 8 bytes
 * per cell for the biggest table the importer builds (import-limits.ts maxCells, 100 M cells =
 * 800 MB), plus its JSON (names, ≤ 100,000 kept cell texts, import details), which stays far
 * below 64 MiB for any table within those caps.
 */
export const MAX_MESSAGE_BYTES = DEFAULT_LIMITS.maxCells * 8 + 64 * 1024 ** 2

/** Why a message of `byteLength` bytes cannot be sent to browser mode's server, as a sentence; null when it can. */
export function oversizeError(byteLength: number): InputError | null {
  if (byteLength <= MAX_MESSAGE_BYTES) return null
  return new InputError(
    `This request is too large for Slope’s server (${formatBytes(byteLength)}; at most ${formatBytes(MAX_MESSAGE_BYTES)}).`,
    'Import fewer rows or columns, or use the desktop app or the slope CLI for data this large.',
  )
}

import { InputError } from './errors'
import { DEFAULT_LIMITS, formatBytes } from './table/import-limits'

type TypedKind = 'f64' | 'f32' | 'u32' | 'i32' | 'u8'
type Typed = Float64Array | Float32Array | Uint32Array | Int32Array | Uint8Array

const TYPED = '\u0000t'
const NUMBER = '\u0000n'

function kindOf(v: unknown): TypedKind | null {
  if (v instanceof Float64Array) return 'f64'
  if (v instanceof Float32Array) return 'f32'
  if (v instanceof Uint32Array) return 'u32'
  if (v instanceof Int32Array) return 'i32'
  if (v instanceof Uint8Array) return 'u8'
  return null
}

export function encodeMessage(value: unknown): Uint8Array {
  const segments: Uint8Array[] = []
  let binaryLength = 0
  const path = new Set<object>() // the objects being walked, outermost first: a repeat is a cycle
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : { [NUMBER]: String(v) }
    if (v === null || typeof v !== 'object') return v
    if (path.has(v)) throw new TypeError('wire codec: cannot encode a cyclic value')
    if (path.size >= MAX_DEPTH) throw new TypeError(`wire codec: value nested deeper than ${MAX_DEPTH} levels`)
    path.add(v)
    try {
      return walkObject(v)
    } finally {
      path.delete(v)
    }
  }
  const walkObject = (v: object): unknown => {
    const kind = kindOf(v)
    if (kind) {
      const t = v as Typed
      const bytes = new Uint8Array(t.buffer, t.byteOffset, t.byteLength)
      const offset = binaryLength
      segments.push(bytes)
      binaryLength += align8(bytes.byteLength)
      return { [TYPED]: kind, o: offset, n: t.length }
    }
    if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : walk(x)))
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Map || v instanceof Set) {
      throw new TypeError(`wire codec: cannot encode ${Object.prototype.toString.call(v)}`)
    }
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue
      Object.defineProperty(out, k.startsWith('\u0000') ? `\u0000${k}` : k, { value: walk(x), enumerable: true, writable: true, configurable: true })
    }
    return out
  }
  const json = new TextEncoder().encode(JSON.stringify(walk(value)))
  const head = 4 + json.byteLength
  const start = align8(head)
  const out = new Uint8Array(start + binaryLength)
  new DataView(out.buffer).setUint32(0, json.byteLength, true)
  out.set(json, 4)
  let at = start
  for (const s of segments) {
    out.set(s, at)
    at += align8(s.byteLength)
  }
  return out
}

export function decodeMessage(message: Uint8Array): unknown {
  if (message.byteLength < 4) throw new TypeError('wire codec: message too short')
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength)
  const jsonLength = view.getUint32(0, true)
  if (4 + jsonLength > message.byteLength) throw new TypeError('wire codec: truncated message')
  const text = new TextDecoder().decode(message.subarray(4, 4 + jsonLength))
  checkDepth(text)
  const tree = JSON.parse(text) as unknown
  const binaryStart = align8(4 + jsonLength)
  const binary = message.subarray(binaryStart)
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v
    if (Array.isArray(v)) return v.map(walk)
    const o = v as Record<string, unknown>
    if (Object.hasOwn(o, NUMBER)) return Number(o[NUMBER])
    if (Object.hasOwn(o, TYPED)) return typedFrom(binary, o[TYPED] as TypedKind, o.o as number, o.n as number)
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(o)) {
      Object.defineProperty(out, k.startsWith('\u0000\u0000') ? k.slice(1) : k, { value: walk(x), enumerable: true, writable: true, configurable: true })
    }
    return out
  }
  return walk(tree)
}

function typedFrom(binary: Uint8Array, kind: TypedKind, offset: number, length: number): Typed {
  const size = kind === 'f64' ? 8 : kind === 'u8' ? 1 : 4
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length * size > binary.byteLength) {
    throw new TypeError('wire codec: typed array out of bounds')
  }
  // Copy into a fresh buffer: aligned for any element size, and independent of the message. (Not
  // binary.slice(): on a Node Buffer that is a view whose .buffer is the whole shared pool.)
  const bytes = new Uint8Array(length * size)
  bytes.set(binary.subarray(offset, offset + length * size))
  switch (kind) {
    case 'f64':
      return new Float64Array(bytes.buffer)
    case 'f32':
      return new Float32Array(bytes.buffer)
    case 'u32':
      return new Uint32Array(bytes.buffer)
    case 'i32':
      return new Int32Array(bytes.buffer)
    case 'u8':
      return bytes
    default:
      throw new TypeError(`wire codec: unknown typed array kind ${String(kind)}`)
  }
}

/** Refuses JSON nested deeper than MAX_DEPTH, counting brackets outside strings (one pass, no recursion). */
function checkDepth(json: string): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) throw new TypeError(`wire codec: message nested deeper than ${MAX_DEPTH} levels`)
    } else if (c === 0x7d || c === 0x5d) {
      depth--
    }
  }
}

function align8(n: number): number {
  return (n + 7) & ~7
}
