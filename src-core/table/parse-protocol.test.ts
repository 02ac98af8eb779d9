import { describe, expect, it } from 'vitest'
import { importFixture } from '../testing/import-helpers'
import { bytesSource, textSource } from './byte-source'
import { importTable } from './import-table'
import { resultToMessage, tableFromMessage } from './parse-protocol'

describe('parse worker messages', () => {
  it('a result survives structured cloning with its buffers transferred', async () => {
    const result = await importFixture('messy.csv')
    const x = Array.from(result.table.column('x'))
    const { message, transfer } = resultToMessage(result)
    const copy = tableFromMessage(structuredClone(message, { transfer }))
    expect(Array.from(copy.table.column('x'))).toEqual(x)
    expect(copy.table.cellText(1, 2)).toBe('n/a') // x's first non-numeric cell kept for messages
    expect(copy.columns).toEqual(result.columns)
    expect(result.table.columns[0]!.length).toBe(0) // transferred, not copied
  })
})

describe('pasted text', () => {
  it('a block copied from a spreadsheet (tab-separated, CRLF, a quoted cell with a line break)', async () => {
    // What Excel and LibreOffice put on the clipboard as text/plain.
    const pasted = '城市\t销售额\t备注\r\n北京\t1234.5\t"two\r\nlines"\r\n上海\t2345.25\t\r\n'
    const r = await importTable(textSource('clipboard', pasted))
    expect(r.delimiter).toBe('\t')
    expect(r.columns.map((c) => [c.name, c.type])).toEqual([
      ['城市', 'text'],
      ['销售额', 'number'],
      ['备注', 'text'],
    ])
    expect(Array.from(r.table.column('销售额'))).toEqual([1234.5, 2345.25])
  })

  it('a single pasted column is a one-column table', async () => {
    const r = await importTable(bytesSource('clipboard', new TextEncoder().encode('y\r\n1\r\n2\r\n3\r\n')))
    expect(Array.from(r.table.column('y'))).toEqual([1, 2, 3])
  })
})
