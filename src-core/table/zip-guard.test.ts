import { deflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { inputError } from '../testing/import-helpers'
import { zipArchive } from '../testing/xlsx-file'
import { DEFAULT_LIMITS } from './import-limits'
import { workbookCensus } from './workbook-census'
import { checkZipExpansion, zipEntries } from './zip-guard'

/** A one-entry zip whose declared inflated size may lie (the shared test writer, with a pre-deflated part). */
function zipOf(name: string, content: Uint8Array, declaredSize = content.length): Uint8Array {
  return zipArchive({ [name]: { data: deflateRawSync(content), size: declaredSize } })
}

describe('zip guard', () => {
  it('counts the real inflated size, whatever the header declares', async () => {
    const content = new Uint8Array(300_000).fill(65)
    const honest = zipOf('xl/worksheets/sheet1.xml', content)
    expect(await checkZipExpansion(honest, zipEntries(honest, 'h.xlsx', 'XLSX'), 1 << 20, 'h.xlsx')).toBe(300_000)
    const lying = zipOf('xl/worksheets/sheet1.xml', content, 10)
    const e = await inputError(checkZipExpansion(lying, zipEntries(lying, 'l.xlsx', 'XLSX'), 100_000, 'l.xlsx'))
    expect(e.message).toBe('l.xlsx expands to more than 97.7 KiB when unpacked (a zip bomb, or a workbook too large for Slope).')
  })

  it('a corrupt deflate stream is a damaged file, not a crash', async () => {
    const z = zipOf('xl/workbook.xml', new Uint8Array(1000).fill(1))
    const at = 30 + 'xl/workbook.xml'.length // the compressed data: make its first block type invalid (0b11)
    z[at] = z[at]! | 0b110
    const e = await inputError(checkZipExpansion(z, zipEntries(z, 'd.xlsx', 'XLSX'), 1 << 20, 'd.xlsx'))
    expect(e.message).toMatch(/^d\.xlsx is a damaged spreadsheet: the part xl\/workbook\.xml does not unpack/)
  })
})

describe('workbook census (counted while the guard inflates)', () => {
  const limits = { ...DEFAULT_LIMITS, maxWorkbookCells: 1000 }
  it('ODS: repeated cells with a value count columns × rows repeated; empty padding counts nothing', async () => {
    const row = (cells: string, repeat = 1) => `<table:table-row table:number-rows-repeated="${repeat}">${cells}</table:table-row>`
    const cell = (repeat: number) => `<table:table-cell table:number-columns-repeated="${repeat}" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>`
    const padding = '<table:table-cell table:number-columns-repeated="16384"/>'
    const legit = zipOf('content.xml', new TextEncoder().encode(row(cell(10) + padding, 99) + row(padding, 1_048_000)))
    expect(await checkZipExpansion(legit, zipEntries(legit, 'ok.ods', 'ODS'), 1 << 20, 'ok.ods', workbookCensus('ods', 'ok.ods', limits))).toBeGreaterThan(0)
    const bomb = zipOf('content.xml', new TextEncoder().encode(row(cell(16384), 1_000_000)))
    const e = await inputError(checkZipExpansion(bomb, zipEntries(bomb, 'b.ods', 'ODS'), 1 << 20, 'b.ods', workbookCensus('ods', 'b.ods', limits)))
    expect(e.message).toBe('b.ods holds more than 1,000 cells; Slope reads workbooks up to that many.')
  })

  it('XLSX: cells split across inflated chunks are counted once', async () => {
    // 1001 cells in 64 KiB-ish inflated chunks: one more than the cap, whatever the chunk boundaries.
    const xml = `<sheetData><row>${'<c r="A1" s="1"><v>12345.678</v></c>'.repeat(1001)}</row>${' '.repeat(200_000)}</sheetData>`
    const z = zipOf('xl/worksheets/sheet1.xml', new TextEncoder().encode(xml))
    const e = await inputError(checkZipExpansion(z, zipEntries(z, 'c.xlsx', 'XLSX'), 1 << 20, 'c.xlsx', workbookCensus('xlsx', 'c.xlsx', limits)))
    expect(e.message).toBe('c.xlsx holds more than 1,000 cells; Slope reads workbooks up to that many.')
    const smaller = xml.replace('<c r="A1" s="1"><v>12345.678</v></c>', '')
    const fits = zipOf('xl/worksheets/sheet1.xml', new TextEncoder().encode(smaller))
    expect(await checkZipExpansion(fits, zipEntries(fits, 'f.xlsx', 'XLSX'), 1 << 20, 'f.xlsx', workbookCensus('xlsx', 'f.xlsx', limits))).toBe(smaller.length)
  })
})
