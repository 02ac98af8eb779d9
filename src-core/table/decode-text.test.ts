import { describe, expect, it } from 'vitest'
import { fixtureBytes } from '../testing/import-helpers'
import { detectEncoding, normalizeEncoding } from './decode-text'

describe('encoding detection on files written with Python codecs', () => {
  const cases: [string, string, string][] = [
    ['gbk.csv', 'gb18030', 'detected'],
    ['gb18030.csv', 'gb18030', 'detected'],
    ['cp1252.csv', 'windows-1252', 'detected'],
    ['utf8-bom.csv', 'utf-8', 'bom'],
    ['utf16le.txt', 'utf-16le', 'bom'],
    ['utf16be.csv', 'utf-16be', 'bom'],
    ['categories.csv', 'utf-8', 'detected'],
  ]
  for (const [file, encoding, source] of cases) {
    it(`${file} → ${encoding} (${source})`, () => {
      expect(detectEncoding(fixtureBytes(file), true)).toMatchObject({ encoding, source })
    })
  }

  it('a two-character GBK header is enough (a general detector calls it windows-1251)', () => {
    const bytes = Uint8Array.from([0xce, 0xc2, 0xb6, 0xc8, 0x2c, 0x79, 0x0a, 0x31, 0x2c, 0x32, 0x0a]) // "温度,y\n1,2\n" in GBK
    expect(new TextDecoder('gbk').decode(bytes)).toBe('温度,y\n1,2\n')
    expect(detectEncoding(bytes, true).encoding).toBe('gb18030')
  })

  it('UTF-16 without a byte-order mark is recognised by its NUL bytes', () => {
    const le = new Uint8Array(Array.from('x,y\n1,2\n').flatMap((c) => [c.charCodeAt(0), 0]))
    expect(detectEncoding(le, true).encoding).toBe('utf-16le')
    const be = new Uint8Array(Array.from('x,y\n1,2\n').flatMap((c) => [0, c.charCodeAt(0)]))
    expect(detectEncoding(be, true).encoding).toBe('utf-16be')
  })

  it('a UTF-8 sample cut inside a character is still UTF-8', () => {
    const bytes = new TextEncoder().encode('名称,x\n甲,1\n')
    expect(detectEncoding(bytes.subarray(0, 4), false).encoding).toBe('utf-8')
  })

  it('normalizes the names people type, and refuses unknown ones', () => {
    expect(normalizeEncoding('GBK')).toBe('gbk')
    expect(normalizeEncoding('cp936')).toBe('gbk')
    expect(normalizeEncoding('cp1252')).toBe('windows-1252')
    expect(normalizeEncoding('latin1')).toBe('windows-1252') // WHATWG: latin1 is windows-1252
    expect(normalizeEncoding('utf8')).toBe('utf-8')
    expect(() => normalizeEncoding('klingon')).toThrow('Unknown text encoding "klingon".')
  })
})
