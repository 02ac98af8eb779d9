import { InputError } from '../errors'
import { formatBytes, type ImportLimits } from './import-limits'
import type { WorkbookFormat } from './parse-workbook'

/** Called with each inflated chunk of one zip entry, `last` with the end; throws an InputError when a cap is passed. */
export type EntryScanner = (chunk: Uint8Array, last: boolean) => void

/**
 * Counts what SheetJS would build from a workbook — cells, shared strings, bytes of XML per part —
 * while the zip guard inflates it, so a cap is hit before SheetJS materialises anything. SheetJS
 * costs about 300 bytes per cell (measured: 1 M cells, 300 MB) and holds each part as one string,
 * so a 1 MB file of repeated cells or a part of padding cost gigabytes, and a part longer than
 * V8's string limit (~512 MB) silently read as an empty sheet. Counting needs no XML parser: the
 * cell and shared-string start tags are found by pattern, chunk by chunk.
 */
export function workbookCensus(format: WorkbookFormat, fileName: string, limits: ImportLimits): (entry: string) => EntryScanner | null {
  let cells = 0
  let sharedStrings = 0
  const tooManyCells = () =>
    new InputError(
      `${fileName} holds more than ${limits.maxWorkbookCells.toLocaleString('en-US')} cells; Slope reads workbooks up to that many.`,
      'Export the sheet you need as CSV, or keep only the rows and columns you need.',
      { file: fileName },
    )
  return (entry) => {
    const sheetPart = format === 'xlsx' ? /^xl\/worksheets\/[^/]+\.xml$/i.test(entry) : entry === 'content.xml'
    const stringsPart = format === 'xlsx' && /^xl\/sharedStrings\.xml$/i.test(entry)
    if (!sheetPart && !stringsPart && !entry.toLowerCase().endsWith('.xml')) return null
    let bytes = 0
    const text = new TextDecoder('latin1') // one byte per character: enough to find ASCII tags, and fast
    let carry = ''
    let rowRepeat = 1
    const pattern = sheetPart ? (format === 'xlsx' ? XLSX_CELL : ODS_TAG) : stringsPart ? XLSX_SHARED_STRING : null
    return (chunk, last) => {
      bytes += chunk.length
      if (bytes > limits.maxWorkbookPartBytes) {
        throw new InputError(
          `${fileName}: the part ${entry} unpacks to more than ${formatBytes(limits.maxWorkbookPartBytes)} of XML; Slope reads workbook parts up to that size.`,
          'Export the sheet you need as CSV, or keep only the rows and columns you need.',
          { file: fileName },
        )
      }
      if (!pattern) return
      const s = carry + text.decode(chunk)
      // Matches starting in the last CARRY characters are looked at again with the next chunk.
      const stop = last ? s.length : s.length - CARRY
      pattern.lastIndex = 0
      for (let m = pattern.exec(s); m && m.index < stop; m = pattern.exec(s)) {
        if (pattern === XLSX_CELL) cells++
        else if (pattern === XLSX_SHARED_STRING) sharedStrings++
        else if (m[1] === 'table-row') rowRepeat = repeatOf(m[0], 'table:number-rows-repeated')
        else if (m[0].includes('office:value-type')) cells += repeatOf(m[0], 'table:number-columns-repeated') * rowRepeat
      }
      carry = s.slice(Math.max(0, stop))
      if (cells > limits.maxWorkbookCells) throw tooManyCells()
      if (sharedStrings > limits.maxSharedStrings) {
        throw new InputError(
          `${fileName} holds more than ${limits.maxSharedStrings.toLocaleString('en-US')} distinct texts (shared strings); Slope reads workbooks with up to that many.`,
          'Export the sheet you need as CSV, or remove the text columns you do not need.',
          { file: fileName },
        )
      }
    }
  }
}

/** Characters kept from one chunk for the next: longer than any tag the patterns match. */
const CARRY = 2048
/** A cell element, `<c …>` or `<x:c …>` (a namespace prefix, as Strict OOXML writers use). */
const XLSX_CELL = /<(?:\w{1,16}:)?c[\s>/]/g
/** A shared string, `<si>`. */
const XLSX_SHARED_STRING = /<(?:\w{1,16}:)?si[\s>/]/g
/** ODS rows and cells (OpenDocument 1.2 §9.1.3, §9.1.4), with their repeat attributes. */
const ODS_TAG = /<table:(table-row|table-cell|covered-table-cell)\b[^<>]{0,1024}>/g

function repeatOf(tag: string, attribute: string): number {
  const m = new RegExp(`${attribute}="(\\d{1,12})"`).exec(tag)
  return m ? Math.max(1, Number(m[1])) : 1
}
