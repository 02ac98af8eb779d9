import { describe, expect, it } from 'vitest'
import { safeFileName } from './download'

describe('file names made from run names', () => {
  it('replaces characters file systems refuse, and keeps everything else', () => {
    expect(safeFileName('lr 0.1 / adam: "best"?', '.csv')).toBe('lr 0.1 _ adam_ _best_.csv')
    expect(safeFileName('a\\b<c>d|e*f', '.json')).toBe('a_b_c_d_e_f.json')
    expect(safeFileName('line\nbreak\ttab', '.csv')).toBe('line_break_tab.csv')
    expect(safeFileName('学习率 0.1，试验', '.csv')).toBe('学习率 0.1，试验.csv')
  })

  it('no path can be smuggled in: separators and dots never escape the folder', () => {
    expect(safeFileName('../../etc/passwd', '.csv')).toBe('_.._etc_passwd.csv')
    expect(safeFileName('..', '.csv')).toBe('slope.csv')
    expect(safeFileName('.hidden', '.csv')).toBe('hidden.csv')
  })

  it('drops trailing dots and spaces (Windows would) and renames reserved device names', () => {
    expect(safeFileName('final.  ', '.png')).toBe('final.png')
    expect(safeFileName('CON', '.csv')).toBe('_CON.csv')
    expect(safeFileName('lpt1.txt', '.csv')).toBe('_lpt1.txt.csv')
    expect(safeFileName('console', '.csv')).toBe('console.csv')
  })

  it('an empty or all-forbidden name gets the fallback', () => {
    expect(safeFileName('', '.csv')).toBe('slope.csv')
    expect(safeFileName('   ', '.csv', 'history')).toBe('history.csv')
  })

  it('cuts long names to 100 characters without splitting a character', () => {
    expect(safeFileName('x'.repeat(300), '.csv')).toBe(`${'x'.repeat(100)}.csv`)
    const emoji = '😀'.repeat(150) // two UTF-16 units each
    const cut = safeFileName(emoji, '.csv')
    expect([...cut.slice(0, -4)]).toHaveLength(100)
    expect(cut.slice(0, -4)).toBe('😀'.repeat(100))
  })
})
