import { InputError } from '../errors'

/** How the encoding of a text file was decided, for the report ("utf-8 (byte-order mark)"). */
export type EncodingSource = 'bom' | 'detected' | 'given'

export interface EncodingChoice {
  /** A WHATWG encoding label that TextDecoder accepts: 'utf-8', 'utf-16le', 'gb18030', 'windows-1252'. */
  encoding: string
  source: EncodingSource
  /** Bytes of byte-order mark to skip. */
  bomBytes: number
}

/**
 * Canonical names for the labels people type (`--encoding gbk`, `cp1252`, `latin1`). TextDecoder
 * knows the WHATWG labels; Python's names (cp936, cp1252, utf_8_sig) are added because that is
 * where many analysts learn them.
 */
const ALIASES = new Map<string, string>([
  ['utf8', 'utf-8'],
  ['utf-8-sig', 'utf-8'],
  ['utf_8_sig', 'utf-8'],
  ['utf_8', 'utf-8'],
  ['utf16', 'utf-16le'],
  ['utf-16', 'utf-16le'],
  ['utf16le', 'utf-16le'],
  ['utf16be', 'utf-16be'],
  ['cp936', 'gbk'],
  ['936', 'gbk'],
  ['ms936', 'gbk'],
  ['cp1252', 'windows-1252'],
  ['1252', 'windows-1252'],
  ['gb2312', 'gbk'],
])

/**
 * Validates a user-given encoding name and returns the name TextDecoder reports for it
 * ('gbk' → 'gbk', 'latin1' → 'windows-1252', per the WHATWG Encoding Standard).
 */
export function normalizeEncoding(name: string): string {
  const key = name.trim().toLowerCase()
  const label = ALIASES.get(key) ?? key
  try {
    return new TextDecoder(label).encoding
  } catch {
    throw new InputError(
      `Unknown text encoding "${name}".`,
      'Use one of utf-8, utf-16le, utf-16be, gb18030 (or gbk), windows-1252, shift_jis, big5, or another WHATWG encoding label.',
    )
  }
}

/** The byte-order mark at the start of `bytes`, if any. */
export function byteOrderMark(bytes: Uint8Array): { encoding: string; bomBytes: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomBytes: 3 }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 }
  return null
}

/**
 * Decides the encoding from the first bytes of a file (`sample`, e.g. 1 MiB; `complete` when it
 * is the whole file). Order of evidence:
 * 1. a byte-order mark (Excel's "Unicode text" and "CSV UTF-8" write one);
 * 2. UTF-16 without a mark: NUL in most odd (LE) or even (BE) positions of ASCII-heavy text;
 * 3. valid UTF-8 (ASCII included) — legacy encodings almost never form valid UTF-8 sequences;
 * 4. otherwise GB18030 (a superset of GBK, which Excel on Chinese Windows writes) or
 *    Windows-1252 (Western Excel): GBK text is mostly GB2312 characters — both bytes in
 *    0xA1–0xFE — while Windows-1252 text has isolated high bytes between ASCII letters.
 *
 * A general detector (ICU's, as in the chardet package) misreads short files: a GBK CSV whose
 * only non-ASCII text is a two-character header ("温度") comes out as windows-1251. Slope only
 * has to tell apart the encodings spreadsheets write, which the rules above do on a single cell.
 */
export function detectEncoding(sample: Uint8Array, complete: boolean): EncodingChoice {
  const bom = byteOrderMark(sample)
  if (bom) return { ...bom, source: 'bom' }
  const utf16 = utf16WithoutBom(sample)
  if (utf16) return { encoding: utf16, source: 'detected', bomBytes: 0 }
  if (isUtf8(sample, complete)) return { encoding: 'utf-8', source: 'detected', bomBytes: 0 }
  return { encoding: looksLikeGbk(sample) ? 'gb18030' : 'windows-1252', source: 'detected', bomBytes: 0 }
}

function utf16WithoutBom(sample: Uint8Array): string | null {
  const n = Math.min(sample.length, 4096) & ~1
  if (n < 4) return null
  let evenNul = 0
  let oddNul = 0
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) evenNul++
    if (sample[i + 1] === 0) oddNul++
  }
  const pairs = n / 2
  if (oddNul > 0.4 * pairs && evenNul < 0.05 * pairs) return 'utf-16le'
  if (evenNul > 0.4 * pairs && oddNul < 0.05 * pairs) return 'utf-16be'
  return null
}

function isUtf8(sample: Uint8Array, complete: boolean): boolean {
  // A sample cut inside a multi-byte character is still UTF-8: drop up to 3 trailing bytes of an
  // unfinished sequence (stream mode leaves them pending instead of failing).
  const decoder = new TextDecoder('utf-8', { fatal: true })
  try {
    decoder.decode(sample, { stream: !complete })
    return true
  } catch {
    return false
  }
}

function looksLikeGbk(sample: Uint8Array): boolean {
  let high = 0
  let gb2312Pairs = 0
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!
    if (b < 0x80) continue
    high++
    const t = sample[i + 1]
    if (b >= 0xa1 && b <= 0xf7 && t !== undefined && t >= 0xa1 && t <= 0xfe) {
      gb2312Pairs++
      high++
      i++
    }
  }
  return high > 0 && (2 * gb2312Pairs) / high >= 0.8
}

/**
 * A streaming decoder that turns a failure into an InputError naming the file and the row it
 * happened in (the caller passes the row count reached so far).
 */
export class TextChunkDecoder {
  private readonly decoder: { decode(input: Uint8Array, options: { stream: boolean }): string }
  private skip: number

  constructor(
    readonly choice: EncodingChoice,
    private readonly fileName: string,
  ) {
    // ignoreBOM: we skip the mark ourselves, so a mark that is really the first character of a
    // cell is never eaten twice.
    this.decoder = new TextDecoder(choice.encoding, { fatal: true, ignoreBOM: true })
    this.skip = choice.bomBytes
  }

  decode(chunk: Uint8Array, last: boolean, rowsSoFar: number): string {
    let bytes = chunk
    if (this.skip > 0) {
      const n = Math.min(this.skip, bytes.length)
      bytes = bytes.subarray(n)
      this.skip -= n
    }
    try {
      return this.decoder.decode(bytes, { stream: !last })
    } catch {
      const where = rowsSoFar > 0 ? ` after row ${rowsSoFar.toLocaleString('en-US')}` : ''
      const how = this.choice.source === 'given' ? 'as given with {0}' : this.choice.source === 'bom' ? 'as its byte-order mark says' : 'as detected from its first bytes'
      throw new InputError(
        `${this.fileName} is not valid ${this.choice.encoding} text${where} (read ${how}).`,
        this.choice.encoding === 'utf-8'
          ? 'Give its encoding with {0} (e.g. gb18030 or windows-1252), or save it as "CSV UTF-8" from your spreadsheet program.'
          : 'Give the right encoding with {0}, or save it as "CSV UTF-8" from your spreadsheet program.',
        { file: this.fileName, row: rowsSoFar > 0 ? rowsSoFar : undefined },
        [{ setting: 'encoding' }],
      )
    }
  }
}
