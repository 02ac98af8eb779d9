/**
 * Where the bytes of a file come from: a Node file (CLI, services), a browser File (the parse
 * worker), or memory (tests, pasted text). Read in chunks so that a large numeric file never has
 * to sit in memory whole; `read()` starts again from the beginning, because the numeric fast path
 * may give up halfway and hand the file to the general parser.
 */
export interface ByteSource {
  /** File name for messages ("sales.csv"). */
  name: string
  /** Total bytes, for progress and for sizing the columns. */
  size: number
  /**
   * `transient`: the reader is done with each chunk before asking for the next, so the source may
   * refill one buffer instead of allocating a megabyte per chunk (garbage that would otherwise
   * add tens of megabytes to the peak memory of a large import).
   */
  read(options?: { transient?: boolean }): AsyncIterable<Uint8Array>
  /**
   * Bytes `start` to `end` (exclusive), for formats read by position rather than front to back:
   * a Parquet reader needs the footer at the end first, then only the column chunks it reads.
   */
  slice(start: number, end: number): Promise<Uint8Array>
}

export interface ImportProgress {
  phase: 'reading' | 'parsing'
  bytesRead: number
  totalBytes: number
  /** Data rows parsed so far. */
  rows: number
}

export interface ImportHooks {
  onProgress?: (progress: ImportProgress) => void
  /** Checked between chunks; an aborted import rejects with the signal's reason (an AbortError). */
  signal?: AbortSignal
}

export const CHUNK_BYTES = 1 << 20

export function bytesSource(name: string, bytes: Uint8Array, chunkBytes = CHUNK_BYTES): ByteSource {
  return {
    name,
    size: bytes.length,
    async *read() {
      for (let i = 0; i < bytes.length; i += chunkBytes) yield bytes.subarray(i, Math.min(bytes.length, i + chunkBytes))
    },
    async slice(start, end) {
      return bytes.subarray(start, end)
    },
  }
}

/** Text a person pasted (a block copied from a spreadsheet), as a source. */
export function textSource(name: string, text: string): ByteSource {
  return bytesSource(name, new TextEncoder().encode(text))
}

/** The first `limit` bytes of a source (fewer when the file is shorter), and whether that is all of it. */
export async function readHead(source: ByteSource, limit: number): Promise<{ head: Uint8Array; complete: boolean }> {
  const parts: Uint8Array[] = []
  let length = 0
  let complete = true
  for await (const chunk of source.read()) {
    parts.push(chunk)
    length += chunk.length
    if (length >= limit) {
      complete = false
      break
    }
  }
  const head = concat(parts, length)
  if (length > limit) return { head: head.subarray(0, limit), complete: false }
  return { head, complete: complete && length <= limit }
}

/** All bytes of a source, refusing more than `max` (the caller says why in its message). */
export async function readAll(source: ByteSource, max: number, hooks: ImportHooks): Promise<Uint8Array | null> {
  const parts: Uint8Array[] = []
  let length = 0
  for await (const chunk of source.read()) {
    hooks.signal?.throwIfAborted()
    parts.push(chunk)
    length += chunk.length
    if (length > max) return null
    hooks.onProgress?.({ phase: 'reading', bytesRead: length, totalBytes: source.size, rows: 0 })
  }
  return concat(parts, length)
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
