import { InputError } from '../errors'
import { formatBytes } from './import-limits'

export interface ZipEntry {
  name: string
  method: number
  compressedSize: number
  declaredSize: number
  /** Offset of the entry's local header. */
  offset: number
}

/**
 * The entries of a zip archive (XLSX and ODS are zip archives), read from its central directory.
 * Only what the guard below needs; SheetJS reads the archive itself afterwards.
 * Layout: PKWARE APPNOTE.TXT 6.3.10, sections 4.3.12 (central directory) and 4.3.16 (end record).
 */
export function zipEntries(bytes: Uint8Array, fileName: string, kind: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const damaged = (why: string) =>
    new InputError(`${fileName} is a damaged or incomplete ${kind} file (${why}).`, 'Open it in your spreadsheet program and save it again, or export the sheet as CSV.', { file: fileName })
  let end = -1
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i
      break
    }
  }
  if (end < 0) throw damaged('the zip directory at its end is missing — truncated?')
  const count = view.getUint16(end + 10, true)
  const dirSize = view.getUint32(end + 12, true)
  const dirOffset = view.getUint32(end + 16, true)
  if (dirOffset === 0xffffffff || count === 0xffff) throw damaged('zip64 archives are not spreadsheets Slope reads')
  if (dirOffset + dirSize > end) throw damaged('the zip directory points outside the file')
  const entries: ZipEntry[] = []
  let p = dirOffset
  for (let k = 0; k < count; k++) {
    if (p + 46 > end || view.getUint32(p, true) !== 0x02014b50) throw damaged('a zip directory entry is broken')
    const nameLength = view.getUint16(p + 28, true)
    const extraLength = view.getUint16(p + 30, true)
    const commentLength = view.getUint16(p + 32, true)
    entries.push({
      method: view.getUint16(p + 10, true),
      compressedSize: view.getUint32(p + 20, true),
      declaredSize: view.getUint32(p + 24, true),
      offset: view.getUint32(p + 42, true),
      name: new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength)),
    })
    p += 46 + nameLength + extraLength + commentLength
  }
  for (const e of entries) {
    if (e.offset + 30 > bytes.length || view.getUint32(e.offset, true) !== 0x04034b50) throw damaged(`the entry ${e.name} is missing`)
    const dataStart = e.offset + 30 + view.getUint16(e.offset + 26, true) + view.getUint16(e.offset + 28, true)
    if (dataStart + e.compressedSize > bytes.length) throw damaged(`the entry ${e.name} is cut short`)
  }
  return entries
}

/**
 * Zip-bomb guard: inflates every entry, counting bytes and stopping at the cap, before any
 * library expands the archive in memory. The declared sizes are not trusted (a bomb lies about
 * them), and overlapping entries (Fifield's "better zip bomb") are each counted in full.
 */
export async function checkZipExpansion(
  bytes: Uint8Array,
  entries: readonly ZipEntry[],
  maxInflatedBytes: number,
  fileName: string,
  /** Sees each entry's inflated bytes as they come (workbook-census.ts counts cells); may throw an InputError. */
  scannerFor: (entry: string) => ((chunk: Uint8Array, last: boolean) => void) | null = () => null,
): Promise<number> {
  const tooBig = () =>
    new InputError(
      `${fileName} expands to more than ${formatBytes(maxInflatedBytes)} when unpacked (a zip bomb, or a workbook too large for Slope).`,
      'Export the sheet you need as CSV, or keep only the rows and columns you need.',
      { file: fileName },
    )
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let total = 0
  for (const e of entries) {
    if (e.declaredSize > maxInflatedBytes - total) throw tooBig()
    const dataStart = e.offset + 30 + view.getUint16(e.offset + 26, true) + view.getUint16(e.offset + 28, true)
    const data = bytes.subarray(dataStart, dataStart + e.compressedSize)
    const scan = scannerFor(e.name)
    if (e.method === 0) {
      scan?.(data, true)
      total += data.length
    } else if (e.method === 8) {
      total += await inflatedSize(data, maxInflatedBytes - total, fileName, e.name, scan)
    } else {
      throw new InputError(
        `${fileName} uses a zip compression method (${e.method}) that spreadsheets do not use.`,
        'Open it in your spreadsheet program and save it again.',
        { file: fileName },
      )
    }
    if (total > maxInflatedBytes) throw tooBig()
  }
  return total
}

/** Bytes that `data` (raw deflate) inflates to, stopping as soon as `budget` is exceeded. */
async function inflatedSize(data: Uint8Array, budget: number, fileName: string, entry: string, scan: ((chunk: Uint8Array, last: boolean) => void) | null): Promise<number> {
  // slice(): a copy backed by a plain ArrayBuffer, which is what Blob takes
  const stream = new Blob([data.slice()]).stream().pipeThrough(new DecompressionStream('deflate-raw'))
  const reader = stream.getReader()
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) {
        scan?.(new Uint8Array(0), true) // what the scanner held back at the end of a chunk
        return size
      }
      size += value.length
      if (scan) {
        try {
          scan(value, false)
        } catch (e) {
          await reader.cancel()
          throw e
        }
      }
      if (size > budget) {
        await reader.cancel()
        return size
      }
    }
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(
      `${fileName} is a damaged spreadsheet: the part ${entry} does not unpack (${(e as Error).message}).`,
      'Open it in your spreadsheet program and save it again, or export the sheet as CSV.',
      { file: fileName },
    )
  }
}
