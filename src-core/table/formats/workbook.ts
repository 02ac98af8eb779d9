import { InputError } from '../../errors'
import { readAll } from '../byte-source'
import { formatBytes } from '../import-limits'
import { parseWorkbook, type WorkbookFormat } from '../parse-workbook'
import { zipEntries } from '../zip-guard'
import { headerLine, NOT_TEXT, type FileFacts, type FormatReader } from './format-reader'

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

/** Extensions whose files are always zip archives; ".xls" is not here, since text often wears it. */
const ZIP_EXTENSIONS = ['.xlsx', '.xlsm', '.ods']

/** XLSX / XLSM, XLS (Excel 97–2003 and Excel 95) and ODS spreadsheets, through SheetJS (parse-workbook.ts). */
export const workbook: FormatReader<WorkbookFormat> = {
  id: 'workbook',
  formats: ['xlsx', 'xls', 'ods'],
  label: 'workbooks',
  kinds: ['XLSX', 'XLS', 'ODS'],
  extensions: ['.xlsx', '.xlsm', '.xls', '.ods'],
  options: ['sheet'],

  detect(head, file) {
    const isZip = head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)
    if (isZip) {
      const names = new Set(zipEntriesOfHead(head, file.name).map((e) => e.name))
      if (names.has('xl/workbook.xml') || names.has('xl/workbook.bin')) return 'xlsx'
      if (names.has('content.xml') && names.has('mimetype')) return 'ods'
      throw new InputError(
        `${file.name} is a zip archive but not an XLSX or ODS spreadsheet.`,
        `Choose a ${file.formatList} file (unzip it first if it holds one).`,
        { file: file.name },
      )
    }
    if (OLE_MAGIC.every((b, i) => head[i] === b)) return 'xls'
    return null
  },

  misnamed(file: FileFacts) {
    if (!ZIP_EXTENSIONS.includes(file.extension)) return null
    const ext = file.extension
    return new InputError(
      `${file.name} is not a real ${ext} file (its bytes are not a zip archive, which every ${ext} is).`,
      'If it is a CSV file, rename it to .csv; otherwise save it again from your spreadsheet program.',
      { file: file.name },
    )
  },

  aFile: (format) => `an ${format.toUpperCase()} workbook`,

  async read({ source, file, format, options, limits, hooks }) {
    const fileName = file.name
    if (source.size > limits.maxWorkbookBytes) {
      throw new InputError(
        `${fileName} is ${formatBytes(source.size)}; Slope reads workbooks up to ${formatBytes(limits.maxWorkbookBytes)}.`,
        'Export the sheet you need as CSV (CSV files may be much larger).',
        { file: fileName },
      )
    }
    const bytes = await readAll(source, limits.maxWorkbookBytes, hooks)
    if (!bytes) throw new InputError(`${fileName} grew while it was read.`, 'Try again when the file is saved.', { file: fileName })
    const book = await parseWorkbook(bytes, format, fileName, options.sheet ?? null, limits, hooks)
    return { ...book, ...NOT_TEXT, fileName, details: {} }
  },

  describe(result) {
    return {
      kind: result.format.toUpperCase(),
      lines: [`sheet "${result.sheet}" (sheets: ${result.sheets.map((s) => `"${s}"`).join(', ')})`, headerLine(result)],
    }
  },
}

function zipEntriesOfHead(head: Uint8Array, fileName: string) {
  // The directory sits at the end of the archive: a head that is not the whole file cannot hold
  // it, and the workbook reader checks it again on the complete bytes.
  try {
    return zipEntries(head, fileName, 'zip')
  } catch {
    // An ODS file's first entry is "mimetype", stored (OpenDocument 1.2, part 3, §3.3).
    const first = new TextDecoder().decode(head.subarray(30, 38))
    return first === 'mimetype' ? [{ name: 'content.xml' }, { name: 'mimetype' }] : [{ name: 'xl/workbook.xml' }]
  }
}
