import { describe, expect, it } from 'vitest'
import { classifyText, parseDateText } from './cell-value'
import { sniffDecimal } from './csv-sniff'

describe('cell values', () => {
  it('numbers with either decimal separator, grouping only when exact', () => {
    expect(classifyText(' 1.5 ', '.')).toEqual({ kind: 'number', value: 1.5 })
    expect(classifyText('1,234.5', '.')).toEqual({ kind: 'number', value: 1234.5 })
    expect(classifyText('1,23.5', '.')).toMatchObject({ kind: 'text' })
    expect(classifyText('3,14', ',')).toEqual({ kind: 'number', value: 3.14 })
    expect(classifyText('1.234,5', ',')).toEqual({ kind: 'number', value: 1234.5 })
    expect(classifyText('-2,5e3', ',')).toEqual({ kind: 'number', value: -2500 })
    expect(classifyText('0x1F', '.')).toMatchObject({ kind: 'text' })
    expect(classifyText('12abc', '.')).toMatchObject({ kind: 'text' })
    expect(classifyText('1e999', '.')).toMatchObject({ kind: 'text', text: '1e999' })
    expect(classifyText('-inf', '.')).toMatchObject({ kind: 'text' })
    expect(classifyText('', '.')).toEqual({ kind: 'empty' })
  })

  it('ISO-like dates become Excel serial numbers; impossible dates stay text', () => {
    // Excel shows 45322 for 2024-01-31 and 1 for 1900-01-01 (after its fictitious 1900-02-29, serials
    // are days since 1899-12-30).
    expect(parseDateText('2024-01-31')).toBe(45322)
    expect(parseDateText('2024/1/31')).toBe(45322)
    expect(parseDateText('2024-03-01 12:00')).toBe(45352.5)
    expect(parseDateText('2024-03-01T06:00:00')).toBe(45352.25)
    expect(parseDateText('2024-02-30')).toBeNull()
    expect(parseDateText('01/02/2024')).toBeNull() // day-first or month-first: ambiguous
  })

  it('decimal separator votes per file', () => {
    expect(sniffDecimal([['a', 'b'], ['1,5', '2'], ['3,25', '4']], ';')).toBe(',')
    expect(sniffDecimal([['a', 'b'], ['1.5', '2'], ['3.25', '4']], ';')).toBe('.')
    expect(sniffDecimal([['a'], ['1.234']], '\t')).toBe('.') // ambiguous, tab: dot
    expect(sniffDecimal([['a'], ['1.234']], ';')).toBe(',') // ambiguous, semicolon: comma (European Excel)
    expect(sniffDecimal([['a'], ['3,14']], ',')).toBe('.') // a comma-delimited file cannot use decimal commas
  })
})
