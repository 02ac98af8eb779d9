import { describe, expect, it } from 'vitest'
import { NumericCsvKernel } from './csv-numeric-fast'

const encode = (text: string) => new TextEncoder().encode(text)

/** Pushes `text` in pieces of `chunk` bytes through a fresh buffer each time (as a file source refills one). */
function parse(text: string, width: number, chunk: number, options: { expectedRows?: number; totalBytes?: number; onPush?: (k: NumericCsvKernel) => void } = {}) {
  const bytes = encode(text)
  const kernel = new NumericCsvKernel(width, ',', '.', options.expectedRows ?? 16, options.totalBytes ?? bytes.length)
  for (let i = 0; i < bytes.length; i += chunk) {
    if (!kernel.push(bytes.slice(i, Math.min(bytes.length, i + chunk)), false)) return null
    options.onPush?.(kernel)
  }
  if (!kernel.push(new Uint8Array(0), true)) return null
  return { kernel, columns: kernel.finish() }
}

describe('numeric CSV kernel', () => {
  // The boundaries of the exact fast conversion (mantissa < 2^53, |exponent| ≤ 22) and what lies
  // just past them, where the kernel must hand the text to Number() instead.
  const spellings = [
    '9007199254740991', // 2^53 − 1: still exact
    '9007199254740992',
    '9007199254740993', // 2^53 + 1: m·10 + d rounds, so the slow path
    '-9007199254740993',
    '900719925474099.3',
    '90071992547409.93e1',
    '0.1',
    '0.30000000000000004',
    '1e22',
    '1e23', // 10^23 is no double: slow path
    '123456789e-22',
    '123456789e-23',
    '1.7976931348623157e308',
    '4.9e-324',
    '2.2250738585072014e-308',
    '00000000000000000000000000000001.5',
    '0.0000000000000000000001',
    '0.00000000000000000000001',
    '123456789012345678901234',
    '1234567890123456.7',
    '.5',
    '7.',
    '-0',
    '+0.0',
    '1E5',
    '1e+5',
    '-1e-5',
    '', // missing
  ]

  it('reads every spelling as Number() does, bit for bit, whatever the chunk boundaries and line ends', () => {
    const rows: string[][] = []
    for (let k = 0; k < spellings.length * 3; k++) rows.push([spellings[k % spellings.length]!, spellings[(k * 7 + 3) % spellings.length]!, String(k)])
    for (const newline of ['\n', '\r\n']) {
      for (const finalNewline of [true, false]) {
        const text = rows.map((r) => r.join(',')).join(newline) + (finalNewline ? newline : '')
        for (const chunk of [1, 2, 7, 64, text.length]) {
          const read = parse(text, 3, chunk)!
          expect(read, `chunk ${chunk}`).not.toBeNull()
          expect(read.kernel.rows).toBe(rows.length)
          for (let r = 0; r < rows.length; r++) {
            for (let c = 0; c < 3; c++) {
              const cell = rows[r]![c]!
              const expected = cell === '' ? NaN : Number(cell)
              if (!Object.is(read.columns[c]![r], expected)) expect([r, c, cell, read.columns[c]![r]]).toEqual([r, c, cell, expected])
            }
          }
          expect(Array.from(read.kernel.missing)).toEqual([0, 1, 2].map((c) => rows.filter((r) => r[c] === '').length))
        }
      }
    }
  })

  it('gives up on anything but plain numbers, so the general parser decides', () => {
    for (const bad of ['1e999', '1-2', ' 1', '1 ', '"1"', '0x10', 'Infinity', 'nan', '-', '.', '1e', '1e+', '1,5,6', '1\n\n2']) {
      expect(parse(`1,${bad}\n3,4\n`, 2, 5), bad).toBeNull()
    }
    expect(parse('1,2\n3\n', 2, 64)).toBeNull() // a short row
    expect(parse('1,2\n3,4\n\n\n', 2, 64)!.kernel.rows).toBe(2) // trailing blank lines are fine
  })

  it('a short row estimate grows the columns once, to what the bytes read say, not by repeated 25 % steps', () => {
    let text = ''
    for (let i = 0; i < 100_000; i++) text += `${i},${(i * 0.25).toFixed(2)}\n`
    const arrays = new Set<Float64Array>()
    const read = parse(text, 2, 65536, { expectedRows: 1, onPush: (k) => arrays.add(k.columns[0]!) })!
    expect(read.kernel.rows).toBe(100_000)
    // Capacity 1,024 at first; rows here grow longer through the file (more digits), hence maybe a second step.
    expect(arrays.size).toBeLessThanOrEqual(3)
    for (const i of [0, 1023, 1024, 54_321, 99_999]) {
      expect(read.columns[0]![i]).toBe(i)
      expect(read.columns[1]![i]).toBe(Number((i * 0.25).toFixed(2)))
    }
  })
})
