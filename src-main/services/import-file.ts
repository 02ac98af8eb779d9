import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { InputError } from '../../src-core/errors'
import { parseDelimited, type ParsedFile } from '../../src-core/table/parse-delimited'

export interface ImportedFile extends ParsedFile {
  fileName: string
  sha256: string
  bytes: number
}

/** Files above this are refused with a message instead of exhausting memory (about 10× the 1M × 9 benchmark CSV). */
export const MAX_FILE_BYTES = 1024 ** 3

/** Reads a table file from disk: size cap, fingerprint, parse. Every failure is an InputError. */
export async function importFile(path: string): Promise<ImportedFile> {
  const fileName = basename(path)
  let size: number
  try {
    const info = await stat(path)
    if (info.isDirectory()) throw new InputError(`${path} is a folder, not a file.`, 'Give the path of a CSV file.', { file: fileName })
    size = info.size
  } catch (e) {
    if (e instanceof InputError) throw e
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(
      code === 'ENOENT' ? `File not found: ${path}.` : code === 'EACCES' ? `No permission to read ${path}.` : `Cannot read ${path} (${code ?? (e as Error).message}).`,
      'Check the path and try again.',
      { file: fileName },
    )
  }
  if (size > MAX_FILE_BYTES) {
    throw new InputError(`${fileName} is ${(size / 1024 ** 3).toFixed(1)} GB; Slope reads files up to 1 GB.`, 'Split the file or keep only the columns you need.', { file: fileName })
  }
  const bytes = new Uint8Array(await readFile(path))
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  return { ...parseDelimited(bytes, fileName), fileName, sha256, bytes: bytes.length }
}
