import { describe, expect, it } from 'vitest'
import { InputError } from '../errors'
import { parseDelimited, uniqueNames } from './parse-delimited'

const bytes = (s: string) => new TextEncoder().encode(s)

function error(fn: () => unknown): InputError {
  try {
    fn()
  } catch (e) {
    if (e instanceof InputError) return e
    throw e
  }
  throw new Error('expected an InputError')
}

describe('parseDelimited', () => {
  it('reads a header and numeric columns (CRLF, quoted fields, BOM)', () => {
    const p = parseDelimited(bytes('\uFEFFx,"y, in m"\r\n1,2.5\r\n"3",-4e2\r\n'), 't.csv')
    expect(p.table.names).toEqual(['x', 'y, in m'])
    expect(Array.from(p.table.column('x'))).toEqual([1, 3])
    expect(Array.from(p.table.column('y, in m'))).toEqual([2.5, -400])
    expect(p.delimiter).toBe(',')
  })

  it('sniffs tab and semicolon delimiters', () => {
    expect(parseDelimited(bytes('a\tb\n1\t2\n3\t4\n'), 't.tsv').delimiter).toBe('\t')
    expect(parseDelimited(bytes('a;b\n1;2\n3;4\n'), 't.csv').delimiter).toBe(';')
  })

  it('keeps spreadsheet row numbers across blank lines and quoted newlines', () => {
    const p = parseDelimited(bytes('note,v\n"two\nlines",1\n\nx,oops\ny,5\nz,6\n'), 't.csv')
    // row 2 is the quoted two-line record, row 3 the blank line, row 4 has the text
    expect(p.table.names).toEqual(['v'])
    expect(p.table.cellText(0, 2)).toBe('oops')
    expect(p.table.rowNumber(2)).toBe(4)
    expect(Array.from(p.table.column('v'))).toEqual([1, NaN, NaN, 5, 6])
  })

  it('a mostly-text column is left out with its reason; stray text in a numeric column becomes missing', () => {
    const p = parseDelimited(bytes('city,x,y\nParis,1,2\nRome,n/a,3\nOslo,4,5\n'), 't.csv')
    expect(p.table.names).toEqual(['x', 'y'])
    expect(p.table.source.excluded).toEqual([{ name: 'city', reason: 'holds text (row 2: "Paris")' }])
    expect(Number.isNaN(p.table.column('x')[1]!)).toBe(true)
    expect(p.table.cellText(0, 1)).toBe('n/a')
  })

  it('inf, nan and 1e999 are not numbers', () => {
    const p = parseDelimited(bytes('x,y\n1,1\ninf,2\n1e999,3\nNaN,4\n5,5\n6,6\n7,7\n'), 't.csv')
    expect(Array.from(p.table.column('x')).filter(Number.isNaN).length).toBe(3)
  })

  it('empty or duplicate header names become unique', () => {
    expect(uniqueNames(['x', '', 'x', ' x '])).toEqual(['x', 'column 2', 'x (2)', 'x (3)'])
  })

  it('explains empty, header-only, ragged, unterminated, binary and zip input', () => {
    expect(error(() => parseDelimited(bytes(''), 'e.csv')).message).toBe('e.csv is empty.')
    expect(error(() => parseDelimited(bytes('a,b\n'), 'h.csv')).message).toBe('h.csv has a header row but no data rows.')
    const ragged = error(() => parseDelimited(bytes('a,b\n1,2\n3,4,5\n'), 'r.csv'))
    expect(ragged.message).toBe('r.csv, row 3 has 3 fields but the header has 2.')
    expect(ragged.where.row).toBe(3)
    expect(error(() => parseDelimited(bytes('a,b\n1,"2\n3,4\n'), 'q.csv')).message).toContain('quoted field that never closes')
    expect(error(() => parseDelimited(Uint8Array.from([0x61, 0x2c, 0x62, 0x0a, 0x00, 0x2c, 0x01]), 'b.csv')).message).toContain('NUL bytes')
    expect(error(() => parseDelimited(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), 'x.csv')).message).toContain('zip archive')
    expect(error(() => parseDelimited(Uint8Array.from([0x61, 0x0a, 0xff, 0xfe, 0xfd]), 'l.csv')).message).toContain('not valid UTF-8')
  })
})
