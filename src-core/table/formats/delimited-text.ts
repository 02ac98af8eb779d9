import { InputError } from '../../errors'
import { delimiterName, normalizeDelimiter } from '../csv-sniff'
import { byteOrderMark, detectEncoding, normalizeEncoding, type EncodingChoice } from '../decode-text'
import { formatBytes } from '../import-limits'
import { parseDelimited } from '../parse-delimited'
import { headerLine, type FormatReader } from './format-reader'

/**
 * CSV, TSV and other delimited text: encoding detected (byte-order mark, UTF-16 by its NUL bytes,
 * UTF-8, GB18030, Windows-1252), delimiter and decimal separator sniffed, read in chunks.
 */
export const delimitedText: FormatReader<'csv'> = {
  id: 'text',
  formats: ['csv'],
  label: 'text files',
  kinds: ['CSV', 'TSV'],
  extensions: ['.csv', '.tsv', '.txt', '.tab'],
  options: ['encoding', 'delimiter', 'decimal'],
  fallback: true,
  // Text has no magic number: it is what is left when no other format claims the bytes
  // (including ".xls" files that are really text, as some database exports write them).
  detect: () => 'csv',
  aFile: () => 'a text file',

  async read({ source, file, head, complete, options, limits, hooks }) {
    const fileName = file.name
    if (source.size > limits.maxTextFileBytes) {
      throw new InputError(
        `${fileName} is ${formatBytes(source.size)}; Slope reads text files up to ${formatBytes(limits.maxTextFileBytes)}.`,
        'Split the file or keep only the columns you need.',
        { file: fileName },
      )
    }
    checkLooksLikeText(head, file.name, file.formatList)
    const encoding = chooseEncoding(head, complete, options.encoding ?? null)
    const delimited = await parseDelimited(
      source,
      head,
      complete,
      {
        encoding,
        delimiter: options.delimiter ? normalizeDelimiter(options.delimiter) : null,
        decimal: options.decimal ?? null,
        fastPath: options.fastPath ?? true,
      },
      limits,
      hooks,
    )
    if (encoding.source === 'detected' && encoding.encoding !== 'utf-8') {
      delimited.notes.push(`encoding detected as ${encoding.encoding}; if the text looks wrong, give it with {encoding}`)
    }
    return { ...delimited, fileName, format: 'csv', encoding: encoding.encoding, encodingSource: encoding.source, sheet: null, sheets: [], details: {} }
  },

  describe(result) {
    const source = result.encodingSource === 'bom' ? 'byte-order mark' : result.encodingSource
    return {
      kind: 'text',
      lines: [`encoding ${result.encoding} (${source}), delimiter ${shownDelimiter(result.delimiter!)}, decimal separator "${result.decimal}"`, headerLine(result)],
    }
  },
}

function shownDelimiter(delimiter: string): string {
  const name = delimiterName(delimiter)
  return name === delimiter ? `"${delimiter}"` : name
}

function chooseEncoding(head: Uint8Array, complete: boolean, given: string | null): EncodingChoice {
  if (!given) return detectEncoding(head, complete)
  const encoding = normalizeEncoding(given)
  const bom = byteOrderMark(head)
  return { encoding, source: 'given', bomBytes: bom && bom.encoding === encoding ? bom.bomBytes : 0 }
}

/** Binary files are refused by name before any parsing: NUL bytes or many control characters. */
function checkLooksLikeText(head: Uint8Array, fileName: string, formats: string): void {
  const bom = byteOrderMark(head)
  const utf16 = bom?.encoding.startsWith('utf-16') || looksUtf16(head)
  let controls = 0
  const n = Math.min(head.length, 65536)
  for (let i = 0; i < n; i++) {
    const b = head[i]!
    if (b === 0 && !utf16) {
      throw new InputError(`${fileName} contains NUL bytes, so it is not a text table (binary data?).`, `Choose a ${formats} file.`, { file: fileName })
    }
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0) controls++
  }
  if (controls > 8 && controls > n / 100) {
    throw new InputError(`${fileName} does not look like text: it is full of control characters (binary data?).`, `Choose a ${formats} file.`, { file: fileName })
  }
}

function looksUtf16(head: Uint8Array): boolean {
  return detectEncoding(head.subarray(0, 4096), false).encoding.startsWith('utf-16')
}
