import { createHash, type Hash } from 'node:crypto'
import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { InputError } from '../../src-core/errors'
import { CHUNK_BYTES, type ByteSource, type ImportHooks } from '../../src-core/table/byte-source'
import { formatListSentence } from '../../src-core/table/formats/registry'
import { importTable, type ImportOptions, type ImportResult } from '../../src-core/table/import-table'

export interface ImportedFile extends ImportResult {
  /** SHA-256 of the file's bytes (hex): the dataset fingerprint. Hashed while reading (~1.8 GB/s here). */
  sha256: string
  bytes: number
}

export type ImportFileOptions = ImportOptions

/**
 * Reads a table file from disk in chunks (the CLI parses in-process; the app parses in a Web
 * Worker with the same src-core code). Every failure is an InputError.
 */
export async function importFile(path: string, options: ImportFileOptions = {}, hooks: ImportHooks = {}): Promise<ImportedFile> {
  const fileName = basename(path)
  let size: number
  try {
    const info = await stat(path)
    if (info.isDirectory()) throw new InputError(`${path} is a folder, not a file.`, `Give the path of a ${formatListSentence()} file.`, { file: fileName })
    size = info.size
  } catch (e) {
    if (e instanceof InputError) throw e
    throw fileError(e, path, fileName)
  }
  let digest: string | null = null
  const source = fileSource(path, fileName, size, (hex) => (digest = hex))
  const result = await importTable(source, options, hooks)
  // Every import reads the file to its end at least once, hashing as it goes; this is a fallback.
  return { ...result, sha256: digest ?? (await hashFile(path)), bytes: size }
}

/**
 * A file as a ByteSource. A pass that reads to the end also hashes what it read, so `train`
 * fingerprints the dataset without reading it twice (a format read by position, Parquet, is
 * hashed by one more pass afterwards).
 */
function fileSource(path: string, name: string, size: number, onDigest: (hex: string) => void): ByteSource {
  return {
    name,
    size,
    async *read(options) {
      let handle
      try {
        handle = await open(path, 'r')
      } catch (e) {
        throw fileError(e, path, name)
      }
      const hash: Hash = createHash('sha256')
      try {
        let reused: Uint8Array | null = null
        for (;;) {
          // A fresh buffer per chunk unless the reader says it keeps none (the head and the
          // workbook bytes are kept; the parsers' passes are transient).
          const buffer: Uint8Array = options?.transient ? (reused ??= new Uint8Array(CHUNK_BYTES)) : new Uint8Array(CHUNK_BYTES)
          const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null)
          if (bytesRead === 0) break
          const chunk = buffer.subarray(0, bytesRead)
          hash.update(chunk)
          yield chunk
        }
        onDigest(hash.digest('hex'))
      } finally {
        await handle.close()
      }
    },
    async slice(start, end) {
      let handle
      try {
        handle = await open(path, 'r')
      } catch (e) {
        throw fileError(e, path, name)
      }
      try {
        const bytes = new Uint8Array(Math.max(0, Math.min(end, size) - start))
        let offset = 0
        while (offset < bytes.length) {
          const { bytesRead } = await handle.read(bytes, offset, bytes.length - offset, start + offset)
          if (bytesRead === 0) break // the file shrank: the reader finds the bytes missing and says so
          offset += bytesRead
        }
        return offset === bytes.length ? bytes : bytes.subarray(0, offset)
      } finally {
        await handle.close()
      }
    },
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  const handle = await open(path, 'r')
  try {
    for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer)
  } finally {
    await handle.close().catch(() => undefined)
  }
  return hash.digest('hex')
}

function fileError(e: unknown, path: string, fileName: string): InputError {
  const code = (e as NodeJS.ErrnoException).code
  return new InputError(
    code === 'ENOENT' ? `File not found: ${path}.` : code === 'EACCES' ? `No permission to read ${path}.` : `Cannot read ${path} (${code ?? (e as Error).message}).`,
    'Check the path and try again.',
    { file: fileName },
  )
}
