import { constants, deflateRawSync } from 'node:zlib'

/**
 * A zip archive of the given parts, deflated with node:zlib (the reference deflate). An XLSX is
 * such an archive of XML parts (ECMA-376 part 2), so tests write hostile workbooks by hand
 * without openpyxl or LibreOffice. CRC-32s are left zero: SheetJS and Slope's guard ignore them.
 */
export function zipArchive(parts: Record<string, string | Uint8Array | Deflated>): Uint8Array {
  const locals: Uint8Array[] = []
  const centrals: Uint8Array[] = []
  let offset = 0
  for (const [name, content] of Object.entries(parts)) {
    const raw = typeof content === 'string' ? new TextEncoder().encode(content) : content
    const data = raw instanceof Uint8Array ? deflateRawSync(raw, { level: 9 }) : raw.data
    const size = raw instanceof Uint8Array ? raw.length : raw.size
    const n = new TextEncoder().encode(name)
    const local = new DataView(new ArrayBuffer(30))
    local.setUint32(0, 0x04034b50, true)
    local.setUint16(4, 20, true)
    local.setUint16(8, 8, true)
    local.setUint32(18, data.length, true)
    local.setUint32(22, size, true)
    local.setUint16(26, n.length, true)
    const central = new DataView(new ArrayBuffer(46))
    central.setUint32(0, 0x02014b50, true)
    central.setUint16(4, 20, true)
    central.setUint16(6, 20, true)
    central.setUint16(10, 8, true)
    central.setUint32(20, data.length, true)
    central.setUint32(24, size, true)
    central.setUint16(28, n.length, true)
    central.setUint32(42, offset, true)
    locals.push(new Uint8Array(local.buffer), n, data)
    centrals.push(new Uint8Array(central.buffer), n)
    offset += 30 + n.length + data.length
  }
  const dirSize = centrals.reduce((s, p) => s + p.length, 0)
  const end = new DataView(new ArrayBuffer(22))
  end.setUint32(0, 0x06054b50, true)
  end.setUint16(8, Object.keys(parts).length, true)
  end.setUint16(10, Object.keys(parts).length, true)
  end.setUint32(12, dirSize, true)
  end.setUint32(16, offset, true)
  const all = [...locals, ...centrals, new Uint8Array(end.buffer)]
  const out = new Uint8Array(all.reduce((s, p) => s + p.length, 0))
  let o = 0
  for (const p of all) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** A part deflated ahead of time, with its inflated size. */
export interface Deflated {
  data: Uint8Array
  size: number
}

/**
 * `prefix + unit × times + suffix`, deflated without ever holding the inflated text: deflate
 * blocks ended by a sync flush are byte-aligned and carry no history, so one compressed copy of
 * `unit` repeated is a valid stream (RFC 1951 §3.2.3). Hundreds of megabytes of XML cost a few KB.
 */
export function repeatedPart(prefix: string, unit: string, times: number, suffix: string): Deflated {
  const flush = { level: 9, finishFlush: constants.Z_SYNC_FLUSH }
  const head = deflateRawSync(Buffer.from(prefix), flush)
  const block = deflateRawSync(Buffer.from(unit), flush)
  const tail = deflateRawSync(Buffer.from(suffix), { level: 9 })
  const data = Buffer.concat([head, ...new Array<Buffer>(times).fill(block), tail])
  return { data, size: Buffer.byteLength(prefix) + Buffer.byteLength(unit) * times + Buffer.byteLength(suffix) }
}

/** The smallest XLSX SheetJS and Excel read: one sheet whose XML is `sheetData`, optional shared strings. */
export function xlsxFile(sheetData: string | Deflated, sharedStrings?: string | Deflated): Uint8Array {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
  return zipArchive({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
      (sharedStrings === undefined ? '' : '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>') +
      '</Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}" xmlns:r="${rel}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels':
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/>` +
      (sharedStrings === undefined ? '' : `<Relationship Id="rId2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/>`) +
      '</Relationships>',
    'xl/worksheets/sheet1.xml': typeof sheetData === 'string' ? `${SHEET_HEAD}${sheetData}${SHEET_TAIL}` : sheetData,
    ...(sharedStrings === undefined ? {} : { 'xl/sharedStrings.xml': typeof sharedStrings === 'string' ? `${STRINGS_HEAD}${sharedStrings}${STRINGS_TAIL}` : sharedStrings }),
  })
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
/** What goes around a sheet's rows and the shared strings' `<si>` items (for `repeatedPart`). */
export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>`
export const SHEET_TAIL = '</sheetData></worksheet>'
export const STRINGS_HEAD = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}">`
export const STRINGS_TAIL = '</sst>'

/** Rows of numeric cells, `<row r="k"><c r="A k"><v>…</v></c>…</row>`. */
export function numericRows(rows: number, columns: number, value: (r: number, c: number) => number): string {
  const parts: string[] = []
  for (let r = 1; r <= rows; r++) {
    let row = `<row r="${r}">`
    for (let c = 0; c < columns; c++) row += `<c r="${columnName(c)}${r}"><v>${value(r, c)}</v></c>`
    parts.push(`${row}</row>`)
  }
  return parts.join('')
}

function columnName(c: number): string {
  let s = ''
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}
