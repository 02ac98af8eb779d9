import { describe, expect, it } from 'vitest'
import { importBytes, inputError } from '../testing/import-helpers'
import { uniqueNames } from './header-row'
import { oneHotEncode } from './one-hot'

describe('delimited text', () => {
  it('reads a header and numeric columns (CRLF, quoted fields, BOM)', async () => {
    const p = await importBytes('\uFEFFx,"y, in m"\r\n1,2.5\r\n"3",-4e2\r\n')
    expect(p.table.names).toEqual(['x', 'y, in m'])
    expect(Array.from(p.table.column('x'))).toEqual([1, 3])
    expect(Array.from(p.table.column('y, in m'))).toEqual([2.5, -400])
    expect(p.delimiter).toBe(',')
    expect(p.encodingSource).toBe('bom')
  })

  it('sniffs tab, semicolon and pipe delimiters', async () => {
    expect((await importBytes('a\tb\n1\t2\n3\t4\n', 't.tsv')).delimiter).toBe('\t')
    expect((await importBytes('a;b\n1;2\n3;4\n')).delimiter).toBe(';')
    expect((await importBytes('a|b\n1|2\n3|4\n')).delimiter).toBe('|')
  })

  it('keeps spreadsheet row numbers across blank lines and quoted newlines', async () => {
    const p = await importBytes('note,v\n"two\nlines",1\n\nx,oops\ny,5\nz,6\n')
    // row 2 is the quoted two-line record, row 3 the blank line (not stored), row 4 has the text
    expect(p.table.names).toEqual(['v'])
    expect(p.table.cellText(0, 1)).toBe('oops')
    expect(p.table.rowNumber(0)).toBe(2)
    expect(p.table.rowNumber(1)).toBe(4)
    expect(p.table.rowNumber(3)).toBe(6)
    expect(Array.from(p.table.column('v'))).toEqual([1, NaN, 5, 6])
  })

  it('a mostly-text column is left out with its reason; stray text in a numeric column becomes missing', async () => {
    const p = await importBytes('city,x,y\nParis,1,2\nRome,n/a,3\nOslo,4,5\n')
    expect(p.table.names).toEqual(['x', 'y'])
    expect(p.table.source.excluded).toEqual([{ name: 'city', reason: 'holds text (row 2: "Paris")' }])
    expect(Number.isNaN(p.table.column('x')[1]!)).toBe(true)
    expect(p.table.cellText(0, 1)).toBe('n/a')
    expect(p.columns[1]).toMatchObject({ name: 'x', type: 'number', missing: 0, nonNumeric: 1, firstNonNumeric: { row: 3, text: 'n/a' } })
  })

  it('inf, nan and 1e999 are not numbers', async () => {
    const p = await importBytes('x,y\n1,1\ninf,2\n1e999,3\nNaN,4\n5,5\n6,6\n7,7\n')
    expect(Array.from(p.table.column('x')).filter(Number.isNaN).length).toBe(3)
    expect(p.columns[0]!.nonNumeric).toBe(3)
  })

  it('empty or duplicate header names become unique', () => {
    expect(uniqueNames(['x', '', 'x', ' x '])).toEqual(['x', 'column 2', 'x (2)', 'x (3)'])
  })

  it('reads old-Mac CR and mixed line ends, and a CR split from its LF by a chunk boundary', async () => {
    const text = 'x,y\r1,2\r\n3,4\n5,6\r'
    for (const chunk of [1, 2, 3, 5, 100]) {
      const p = await importBytes(text, 't.csv', { fastPath: false }, {}, chunk)
      expect(Array.from(p.table.column('y'))).toEqual([2, 4, 6])
    }
  })

  it('treats a header-less file of numbers as data, naming the columns', async () => {
    const p = await importBytes('1,2\n3,4\n')
    expect(p.headerRow).toBeNull()
    expect(p.table.names).toEqual(['column 1', 'column 2'])
    expect(p.table.rowNumber(0)).toBe(1)
  })

  it('explains empty, header-only, ragged, unterminated, binary and zip input', async () => {
    expect((await inputError(importBytes('', 'e.csv'))).message).toBe('e.csv is empty.')
    expect((await inputError(importBytes('\n\n \n', 'e.csv'))).message).toBe('e.csv is empty.')
    expect((await inputError(importBytes('a,b\n', 'h.csv'))).message).toBe('h.csv has a header row but no data rows.')
    const ragged = await inputError(importBytes('a,b\n1,2\n3,4,5\n', 'r.csv'))
    expect(ragged.message).toBe('r.csv, row 3 has 3 fields but the header has 2.')
    expect(ragged.where.row).toBe(3)
    const short = await inputError(importBytes('a,b\n1,2\n3\n', 'r.csv'))
    expect(short.message).toBe('r.csv, row 3 has 1 fields but the header has 2.')
    const quote = await inputError(importBytes('a,b\n1,"2\n3,4\n', 'q.csv'))
    expect(quote.message).toBe('q.csv has a quoted field that never closes (starting in row 2).')
    expect((await inputError(importBytes(Uint8Array.from([0x61, 0x2c, 0x62, 0x0a, 0x00, 0x2c, 0x01]), 'b.csv'))).message).toContain('NUL bytes')
    expect((await inputError(importBytes(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), 'x.csv'))).message).toContain('damaged or incomplete')
  })

  it('trailing empty fields beyond the header are allowed (Excel pads rows so)', async () => {
    const p = await importBytes('a,b\n1,2,,\n3,4\n')
    expect(Array.from(p.table.column('b'))).toEqual([2, 4])
  })
})

describe('a CRLF inside a quoted field', () => {
  // csv-spectrum's newlines_crlf.csv (pandas.read_csv keeps the \r\n in the cell), and a text column
  // whose levels hold CRLFs and doubled quotes; every chunk size puts a boundary on each CR, LF and quote.
  const spectrum = 'a,b,c\r\n1,2,3\r\n"Once upon \r\na time",5,6\r\n7,8,9\r\n'
  const cities = 'city,y\r\n"New\r\nYork",1\r\nParis,2\r\n"New\r\nYork",3\r\n"a ""q"" \r\nb",4\r\n"x""\r\ny",5\r\n'

  it('stays \\r\\n in the cell, while CRLFs between records end them (csv-spectrum newlines_crlf)', async () => {
    for (const chunk of [1, 2, 3, 7, 1000]) {
      const p = await importBytes(spectrum, 't.csv', { fastPath: false }, {}, chunk)
      expect(p.table.rowCount, `chunk ${chunk}`).toBe(3)
      expect(p.table.cellText(0, 1), `chunk ${chunk}`).toBe('Once upon \r\na time')
      expect(Array.from(p.table.column('c'))).toEqual([3, 6, 9])
      expect(p.table.rowNumber(2)).toBe(4) // records are rows, as a spreadsheet shows them: the quoted one is one row
    }
  })

  it('one-hot levels keep it', async () => {
    for (const chunk of [1, 2, 5, 1000]) {
      const p = await importBytes(cities, 't.csv', { fastPath: false }, {}, chunk)
      expect(p.textColumns.get('city')!.levels, `chunk ${chunk}`).toEqual(['New\r\nYork', 'Paris', 'a "q" \r\nb', 'x"\r\ny'])
      expect(Array.from(p.table.column('y'))).toEqual([1, 2, 3, 4, 5])
      const encoded = oneHotEncode(p, ['city'])
      expect(encoded.table.names).toContain('city=Paris')
      expect(encoded.table.names).toContain('city=a "q" \r\nb')
    }
  })
})
