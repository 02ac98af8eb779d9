import type { CellObject, WorkBook, WorkSheet, utils } from '@e965/xlsx'
import { InputError } from '../errors'
import type { ImportHooks } from './byte-source'
import type { Cell } from './cell-value'
import type { ImportLimits } from './import-limits'
import { TableBuilder, type BuiltTable } from './table-builder'
import { workbookCensus } from './workbook-census'
import { checkZipExpansion, zipEntries } from './zip-guard'

export type WorkbookFormat = 'xlsx' | 'xls' | 'ods'

export interface WorkbookResult extends BuiltTable {
  format: WorkbookFormat
  sheet: string
  sheets: string[]
}

/** Days between the 1904 and 1900 date systems (Mac Excel's old default): serial1900 = serial1904 + 1462. */
const DATE1904_OFFSET = 1462

/** Excel's error codes as SheetJS stores them (cell type 'e'), shown as the spreadsheet shows them. */
const EXCEL_ERRORS = new Map<number, string>([
  [0x00, '#NULL!'],
  [0x07, '#DIV/0!'],
  [0x0f, '#VALUE!'],
  [0x17, '#REF!'],
  [0x1d, '#NAME?'],
  [0x24, '#NUM!'],
  [0x2a, '#N/A'],
  [0x2b, '#GETTING_DATA'],
])

/**
 * XLSX / XLS / ODS bytes → typed columns of one sheet, through SheetJS (the maintained build
 * published as @e965/xlsx, pinned exactly: npm's `xlsx` 0.18.5 has CVE-2023-30533 and
 * CVE-2024-22363). Zip containers pass the zip-bomb guard first. Formula cells give their cached
 * values; date-formatted numbers are dates (serial day numbers, 1900 system).
 */
export async function parseWorkbook(
  bytes: Uint8Array,
  format: WorkbookFormat,
  fileName: string,
  sheetWanted: string | null,
  limits: ImportLimits,
  hooks: ImportHooks,
): Promise<WorkbookResult> {
  const kind = format.toUpperCase()
  if (format !== 'xls') {
    const entries = zipEntries(bytes, fileName, kind)
    await checkZipExpansion(bytes, entries, limits.maxInflatedBytes, fileName, workbookCensus(format, fileName, limits))
  }
  hooks.signal?.throwIfAborted()
  // Loaded on demand: 1 MB of library that a CSV import never needs.
  const XLSX = await import('@e965/xlsx')
  if (format === 'xls') XLSX.set_cptable(await import('@e965/xlsx/dist/cpexcel.full.mjs')) // Excel 95 files use code pages
  let wb: WorkBook
  // SheetJS reports some quirks with console.error (e.g. "ODS number format may be incorrect" for
  // LibreOffice's conditional formats); they say nothing about the values read, and the CLI's
  // contract is one line on stderr, so they are silenced for the synchronous read.
  const consoleError = console.error
  try {
    console.error = () => undefined
    // sheetStubs: a formula cell without a saved result is a stub; without stubs it would vanish.
    wb = XLSX.read(bytes, { type: 'array', dense: true, cellNF: true, cellFormula: true, cellDates: false, cellHTML: false, cellText: false, sheetStubs: true, WTF: false })
  } catch (e) {
    throw new InputError(
      `${fileName} could not be read as ${kind} (${String((e as Error).message ?? e).slice(0, 120)}).`,
      'Open it in your spreadsheet program and save it again, or export the sheet as CSV.',
      { file: fileName },
    )
  } finally {
    console.error = consoleError
  }
  hooks.signal?.throwIfAborted()
  const sheets = wb.SheetNames.slice()
  const sheet = chooseSheet(wb, sheetWanted, fileName)
  const ws = Object.hasOwn(wb.Sheets, sheet) ? wb.Sheets[sheet] : undefined
  const date1904 = Boolean(wb.Workbook?.WBProps?.date1904)
  const built = readSheet(ws, sheet, fileName, limits, date1904, { isDate: (z) => Boolean(XLSX.SSF.is_date(z)), range: XLSX.utils.decode_range, column: XLSX.utils.encode_col })
  return { ...built, format, sheet, sheets }
}

function chooseSheet(wb: WorkBook, wanted: string | null, fileName: string): string {
  const names = wb.SheetNames
  const list = names.map((n) => `"${n}"`).join(', ')
  if (wanted === null) {
    // The first visible worksheet: a hidden first sheet is usually lookup data, not the table.
    const visible = names.find((_, i) => !wb.Workbook?.Sheets?.[i]?.Hidden)
    if (visible === undefined) throw new InputError(`${fileName} has no visible sheet.`, `Name one with {0} (sheets: ${list}).`, { file: fileName }, [{ setting: 'sheet' }])
    return visible
  }
  if (names.includes(wanted)) return wanted
  const folded = names.filter((n) => n.toLowerCase() === wanted.toLowerCase())
  if (folded.length === 1) return folded[0]!
  if (/^\d+$/.test(wanted) && Number(wanted) >= 1 && Number(wanted) <= names.length) return names[Number(wanted) - 1]!
  throw new InputError(`${fileName} has no sheet "${wanted}".`, `Its sheets are ${list} ({0} takes a name or a number from 1).`, { file: fileName }, [{ setting: 'sheet' }])
}

function readSheet(
  ws: WorkSheet | undefined,
  sheet: string,
  fileName: string,
  limits: ImportLimits,
  date1904: boolean,
  lib: { isDate(format: string): boolean; range: typeof utils.decode_range; column(c: number): string },
): BuiltTable {
  const where = `${fileName}, sheet "${sheet}"`
  const rows = (ws?.['!data'] ?? []) as (CellObject[] | undefined)[]
  const ref = ws?.['!ref']
  if (!ref || rows.length === 0) {
    throw new InputError(`${where} is empty.`, 'Choose the sheet that holds the table with {0}.', { file: fileName }, [{ setting: 'sheet' }])
  }
  const { s, e } = lib.range(ref)
  const range = { startRow: s.r, startCol: s.c, endRow: e.r, endCol: e.c }
  const width = range.endCol - range.startCol + 1
  if ((range.endRow - range.startRow + 1) * width > limits.maxCells * 1.1 + 100) {
    throw new InputError(
      `${where} spans ${(range.endRow - range.startRow + 1).toLocaleString('en-US')} rows × ${width} columns, more than ${limits.maxCells.toLocaleString('en-US')} cells.`,
      'Keep only the rows and columns you need, or export them as CSV.',
      { file: fileName },
    )
  }
  const builder = new TableBuilder(where, limits, false)
  const formatCache = new Map<string, boolean>()
  const isDateFormat = (z: string) => {
    let d = formatCache.get(z)
    if (d === undefined) formatCache.set(z, (d = lib.isDate(z)))
    return d
  }
  const notes: string[] = []
  let formulaWithoutValue: { row: number; col: number; formula: string } | null = null
  let formulasWithoutValue = 0
  for (let r = range.startRow; r <= range.endRow; r++) {
    const row = rows[r]
    if (!row) continue // a row the sheet does not have: blank, and blank rows cost nothing (a range may span a million)
    const cells: Cell[] = new Array<Cell>(width)
    for (let c = 0; c < width; c++) {
      const cell = row?.[range.startCol + c]
      if (!cell) {
        cells[c] = EMPTY
        continue
      }
      if ((cell.v === undefined || cell.t === 'z') && cell.f !== undefined) {
        formulasWithoutValue++
        formulaWithoutValue ??= { row: r + 1, col: range.startCol + c, formula: cell.f }
        cells[c] = EMPTY
        continue
      }
      switch (cell.t) {
        case 'n': {
          const v = cell.v as number
          if (cell.z !== undefined && typeof cell.z === 'string' && isDateFormat(cell.z)) {
            cells[c] = { kind: 'date', value: date1904 ? v + DATE1904_OFFSET : v }
          } else {
            cells[c] = Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'text', text: String(v) }
          }
          break
        }
        case 'd': {
          // Only when a reader produced a Date despite cellDates: false (ODS date cells): back to a serial.
          const ms = (cell.v as Date).getTime()
          cells[c] = { kind: 'date', value: ms / 86_400_000 + 25569 }
          break
        }
        case 's': {
          const text = String(cell.v ?? '')
          cells[c] = text.trim() === '' ? EMPTY : { kind: 'text', text }
          break
        }
        case 'b':
          cells[c] = { kind: 'text', text: cell.v ? 'TRUE' : 'FALSE' }
          break
        case 'e':
          cells[c] = { kind: 'text', text: EXCEL_ERRORS.get(cell.v as number) ?? '#ERROR' }
          break
        default:
          cells[c] = EMPTY
      }
    }
    builder.addRow({ cells, raw: null, rowNumber: r + 1 })
  }
  if (formulaWithoutValue) {
    // Slope reads the results a spreadsheet program saved; a writer that saves formulas only
    // (openpyxl, many report generators) leaves nothing to read, and guessing zeros would lie.
    const { row, col, formula } = formulaWithoutValue
    throw new InputError(
      `${where}: ${formulasWithoutValue.toLocaleString('en-US')} formula cell${formulasWithoutValue > 1 ? 's have' : ' has'} no saved result (first: ${lib.column(col)}${row}, =${formula}).`,
      'Open the file in Excel or LibreOffice and save it, so that the results are stored, then try again.',
      { file: fileName, row },
    )
  }
  const built = builder.finish()
  return { ...built, notes: [...built.notes, ...notes] }
}

const EMPTY: Cell = { kind: 'empty' }
