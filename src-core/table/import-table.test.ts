import { describe, expect, it } from 'vitest'
import { Random } from '../random'
import { fixtureBytes, importBytes, importFixture, inputError, pandasReference, type PandasColumn } from '../testing/import-helpers'
import { bytesSource } from './byte-source'
import { importTable } from './import-table'

/** Excel serial day number of a calendar date: days since 1899-12-30 (independent of our parser). */
const serial = (y: number, m: number, d: number, hours = 0) => (Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000 + hours / 24

const sales = [1234.5, 2345.25, 3456, 4567.75, 5678]
const salesDates = [serial(2024, 1, 31), serial(2024, 2, 29), serial(2024, 3, 1), serial(2024, 4, 15), serial(2024, 5, 20)]

describe('text fixtures agree with pandas.read_csv + describe()', () => {
  const cases: [string, Record<string, string>][] = [
    ['gbk.csv', { encoding: 'gb18030' }],
    ['gb18030.csv', { encoding: 'gb18030' }],
    ['utf8-bom.csv', { encoding: 'utf-8' }],
    ['utf16le.txt', { encoding: 'utf-16le', delimiter: '\t' }],
    ['utf16be.csv', { encoding: 'utf-16be' }],
    ['cp1252.csv', { encoding: 'windows-1252' }],
    ['decimal-comma.csv', { delimiter: ';', decimal: ',' }],
    ['pipe.txt', { delimiter: '|' }],
    ['cr-only.csv', {}],
    ['quoted.csv', {}],
    ['no-header.csv', {}],
    ['title-rows.csv', {}],
  ]
  for (const [name, detected] of cases) {
    it(`${name}: detects ${JSON.stringify(detected)} and reads what pandas reads`, async () => {
      const ref = pandasReference[name]!
      const r = await importFixture(name)
      for (const [key, value] of Object.entries(detected)) expect(r[key as 'encoding' | 'delimiter' | 'decimal']).toBe(value)
      expect(r.rows).toBe(ref.rows)
      expect(r.columns).toHaveLength(ref.columns.length)
      ref.columns.forEach((p: PandasColumn, j: number) => {
        const ours = r.columns[j]!
        if (name !== 'no-header.csv') expect(ours.name).toBe(p.name)
        if (!p.numeric) {
          expect(['text', 'date']).toContain(ours.type)
          return
        }
        expect(ours.type).toBe('number')
        expect(ours.missing).toBe(p.missing)
        const s = ours.stats!
        expect(s.count).toBe(p.count)
        for (const k of ['mean', 'std', 'min', 'max'] as const) expect(s[k]).toBeCloseTo(p[k]!, 9)
      })
    })
  }

  it('Chinese text decodes to the characters that were written', async () => {
    const gbk = await importFixture('gbk.csv')
    expect(gbk.columns.map((c) => c.name)).toEqual(['城市', '销售额', '广告费', '日期'])
    expect(gbk.textColumns.get('城市')!.levels).toEqual(['北京', '上海', '广州', '深圳'])
    const gb18030 = await importFixture('gb18030.csv')
    expect(gb18030.textColumns.get('名称')!.levels[0]).toBe('𠀀甲') // U+20000: a four-byte GB18030 sequence
  })

  it('ISO dates in a CSV become the serial numbers Excel stores', async () => {
    const r = await importFixture('utf8-bom.csv')
    expect(r.columns[3]).toMatchObject({ name: '日期', type: 'date' })
    expect(Array.from(r.table.column('日期'))).toEqual(salesDates)
  })

  it('an override beats detection: the same GBK bytes read as windows-1252 give other text', async () => {
    const r = await importFixture('gbk.csv', { encoding: 'cp1252' })
    expect(r.encoding).toBe('windows-1252')
    expect(r.encodingSource).toBe('given')
    expect(r.columns[0]!.name).not.toBe('城市')
    expect(Array.from(r.table.column(r.columns[1]!.name))).toEqual(sales)
  })

  it('a UTF-8 file read as GBK on request fails with the encoding named, when its bytes are not GBK', async () => {
    const bytes = new TextEncoder().encode('名,x\n甲,1\n乙,2\n')
    const e = await inputError(importBytes(bytes, 'u.csv', { encoding: 'shift_jis' }))
    expect(e.message).toMatch(/^u\.csv is not valid shift_jis text .*\(read as given with “Encoding”\)\.$/)
  })

  it('duplicate and empty header names are made unique and reported', async () => {
    const r = await importFixture('dup-headers.csv')
    expect(r.columns.map((c) => [c.name, c.renamedFrom])).toEqual([
      ['x', null],
      ['x (2)', 'x'],
      ['column 3', ''],
      ['y', null],
    ])
    expect(r.notes).toContain('renamed empty or repeated header names: "x (2)", "column 3"')
  })

  it('counts missing and non-numeric cells and finds the first offending one', async () => {
    const r = await importFixture('messy.csv')
    const x = r.columns.find((c) => c.name === 'x')!
    // x: "" (missing); "n/a", "inf", "1e999" (non-numeric) — rows 3, 4, 5, 6 counting the header as row 1
    expect(x).toMatchObject({ missing: 1, nonNumeric: 3, firstNonNumeric: { row: 4, text: 'n/a' } })
    expect(x.stats).toMatchObject({ count: 5, min: 1.5, max: 5.5, mean: 3.5 })
  })
})

describe('workbooks written by openpyxl, LibreOffice and odfpy', () => {
  for (const name of ['openpyxl.xlsx', 'libreoffice.xls']) {
    it(`${name}: skips the hidden first sheet and the merged title, reads numbers, dates and text`, async () => {
      const r = await importFixture(name)
      expect(r.format).toBe(name.endsWith('xls') ? 'xls' : 'xlsx')
      expect(r.sheets).toEqual(['Lookup', '数据', 'Notes'])
      expect(r.sheet).toBe('数据')
      expect(r.headerRow).toBe(3)
      expect(r.notes).toContain('row 1 above the header skipped (title or notes)')
      expect(r.columns.map((c) => [c.name, c.type])).toEqual([
        ['城市', 'text'],
        ['销售额', 'number'],
        ['广告费', 'number'],
        ['日期', 'date'],
        ['备注', 'text'],
      ])
      expect(Array.from(r.table.column('销售额'))).toEqual(sales)
      expect(Array.from(r.table.column('日期'))).toEqual([serial(2024, 1, 31), serial(2024, 2, 29), serial(2024, 3, 1, 12), serial(2024, 4, 15), serial(2024, 5, 20)])
      expect(r.table.rowNumber(0)).toBe(4)
      expect(r.notes.some((n) => n.startsWith('dates became numbers'))).toBe(true)
    })
  }

  it('LibreOffice ODS: the same values (ODS keeps no hidden flag SheetJS reads, so name the sheet)', async () => {
    const r = await importFixture('libreoffice.ods', { sheet: '数据' })
    expect(r.format).toBe('ods')
    expect(Array.from(r.table.column('销售额'))).toEqual(sales)
    expect(Array.from(r.table.column('日期'))[2]).toBe(serial(2024, 3, 1, 12))
  })

  it('odfpy ODS: float, date and string cells, an empty cell missing', async () => {
    const r = await importFixture('odfpy.ods')
    expect(r.columns.map((c) => [c.name, c.type, c.missing])).toEqual([
      ['Stadt', 'text', 0],
      ['Menge', 'number', 1],
      ['Datum', 'date', 0],
    ])
    expect(Array.from(r.table.column('Menge'))).toEqual([1.5, 2.25, NaN, 4])
    expect(Array.from(r.table.column('Datum'))).toEqual([serial(2024, 1, 31), serial(2024, 2, 1), serial(2024, 3, 15), serial(2024, 12, 31)])
  })

  it('formula cells give the results LibreOffice saved', async () => {
    for (const name of ['formulas-libreoffice.xlsx', 'formulas-libreoffice.ods']) {
      const r = await importFixture(name)
      const x = [1, 2, 3, 4, 5]
      expect(Array.from(r.table.column('y'))).toEqual(x.map((v) => v * 2 + 0.5))
      expect(Array.from(r.table.column('z'))).toEqual(x.map((v) => v + 0.5))
    }
  })

  it('formulas without saved results (openpyxl writes none) are refused with the first cell', async () => {
    const e = await inputError(importFixture('formulas-openpyxl.xlsx'))
    expect(e.message).toBe('formulas-openpyxl.xlsx, sheet "calc": 10 formula cells have no saved result (first: B2, =A2*2+0.5).')
    expect(e.hint).toContain('Excel or LibreOffice')
  })

  it('sheet selection by name, by case-insensitive name, by number; an unknown sheet lists them', async () => {
    // "Notes" holds one cell: chosen, then found to have no data rows
    expect((await inputError(importFixture('openpyxl.xlsx', { sheet: 'notes' }))).message).toBe('openpyxl.xlsx, sheet "Notes" has a header row but no data rows.')
    expect((await importFixture('openpyxl.xlsx', { sheet: '数据' })).sheet).toBe('数据')
    expect((await importFixture('openpyxl.xlsx', { sheet: '1' })).sheet).toBe('Lookup')
    const e = await inputError(importFixture('openpyxl.xlsx', { sheet: 'Sales' }))
    expect(e.message).toBe('openpyxl.xlsx has no sheet "Sales".')
    expect(e.hint).toBe('Its sheets are "Lookup", "数据", "Notes" (“Sheet” takes a name or a number from 1).')
  })

  it('text options on a workbook and --sheet on a text file are refused', async () => {
    expect((await inputError(importFixture('openpyxl.xlsx', { encoding: 'gbk' }))).message).toContain('“Encoding” applies to text files')
    expect((await inputError(importFixture('gbk.csv', { sheet: 'x' }))).message).toContain('“Sheet” applies to workbooks')
  })

  it('truncated, fake and zip-bomb workbooks are refused before any library expands them', async () => {
    expect((await inputError(importFixture('truncated.xlsx'))).message).toBe(
      'truncated.xlsx is a damaged or incomplete XLSX file (the zip directory at its end is missing — truncated?).',
    )
    expect((await inputError(importFixture('fake.xlsx'))).message).toContain('is not a real .xlsx file')
    for (const name of ['zip-bomb.xlsx', 'zip-bomb-lying.xlsx']) {
      expect((await inputError(importFixture(name))).message).toBe(`${name} expands to more than 1 GiB when unpacked (a zip bomb, or a workbook too large for Slope).`)
    }
  }, 60_000)
})

describe('numeric fast path', () => {
  /** A numeric CSV with every spelling the fast path must read exactly as Number() does. */
  function numericCsv(rows: number, seed: number, options: { crlf?: boolean; decimalComma?: boolean; finalNewline?: boolean; trailingBlank?: boolean } = {}): string {
    const rng = new Random(seed)
    const sep = options.decimalComma ? ';' : ','
    const nl = options.crlf ? '\r\n' : '\n'
    const cell = () => {
      const u = rng.nextFloat()
      const x = (rng.nextFloat() - 0.5) * 10 ** Math.floor(rng.nextFloat() * 12 - 4)
      let s: string
      if (u < 0.05) s = ''
      else if (u < 0.2) s = String(Math.round(x))
      else if (u < 0.3) s = x.toExponential(Math.floor(rng.nextFloat() * 18))
      else if (u < 0.4) s = String(x) // shortest round-trip: up to 17 digits
      else if (u < 0.45) s = `+${Math.abs(x).toFixed(3)}`
      else if (u < 0.5) s = `${(rng.nextFloat() > 0.5 ? '' : '-')}.${Math.floor(rng.nextFloat() * 1e6)}`
      else if (u < 0.52) s = '123456789012345678901234' // beyond 15 digits: exact slow conversion
      else if (u < 0.54) s = '-0'
      else if (u < 0.56) s = '7.'
      else s = x.toFixed(Math.floor(rng.nextFloat() * 9))
      return options.decimalComma ? s.replace('.', ',') : s
    }
    const lines = ['a', 'b', 'c', 'd'].join(sep)
    let text = lines + nl
    for (let i = 0; i < rows; i++) text += [cell(), cell(), cell(), String(i)].join(sep) + (i < rows - 1 || options.finalNewline !== false ? nl : '')
    if (options.trailingBlank) text += nl + nl
    return text
  }

  async function bothPaths(text: string, chunk: number, options = {}) {
    const fast = await importBytes(text, 'n.csv', { ...options, fastPath: true }, {}, chunk)
    const general = await importBytes(text, 'n.csv', { ...options, fastPath: false }, {}, chunk)
    return { fast, general }
  }

  function expectSameTable(fast: Awaited<ReturnType<typeof importBytes>>, general: Awaited<ReturnType<typeof importBytes>>) {
    expect(fast.table.names).toEqual(general.table.names)
    expect(fast.rows).toBe(general.rows)
    expect(fast.table.rowNumber(0)).toBe(general.table.rowNumber(0))
    for (let c = 0; c < fast.table.columnCount; c++) {
      const a = fast.table.columns[c]!
      const b = general.table.columns[c]!
      expect(a.length).toBe(b.length)
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([c, i, a[i]]).toEqual([c, i, b[i]])
    }
    expect(fast.columns).toEqual(general.columns)
  }

  for (const [label, options, chunk] of [
    ['LF, 64 KiB chunks', {}, 65536],
    ['CRLF, 7-byte chunks', { crlf: true }, 7],
    ['no final newline, 1 KiB chunks', { finalNewline: false }, 1024],
    ['trailing blank lines', { trailingBlank: true }, 4096],
    ['decimal comma with ;', { decimalComma: true }, 333],
  ] as const) {
    it(`gives the general parser's table, bit for bit (${label})`, async () => {
      const text = numericCsv(3000, 7, options)
      const { fast, general } = await bothPaths(text, chunk)
      expect(fast.fastPath).toBe(true)
      expect(general.fastPath).toBe(false)
      expectSameTable(fast, general)
    })
  }

  it('hands anything unusual after the sample to the general parser, which finds it', async () => {
    // 1 MiB of plain numbers, then a text cell: the sample allows the fast path, the text ends it.
    let text = 'x,y\n'
    let i = 0
    while (text.length < (1 << 20) + 1000) text += `${i},${i++ * 0.5}\n`
    const r = await importBytes(`${text}oops,1\n`, 'late.csv')
    expect(r.fastPath).toBe(false)
    expect(r.columns[0]).toMatchObject({ nonNumeric: 1, firstNonNumeric: { row: i + 2, text: 'oops' } })
    const ragged = await inputError(importBytes(`${text}1,2,3\n`, 'late.csv'))
    expect(ragged.message).toBe(`late.csv, row ${(i + 2).toLocaleString('en-US')} has 3 fields but the header has 2.`)
  })
})

describe('progress, cancellation and caps', () => {
  const big = () => {
    let text = 'x,y\n'
    for (let i = 0; i < 200_000; i++) text += `${i},${i % 97}\n`
    return new TextEncoder().encode(text)
  }

  it('reports bytes read and rows, ending at the file size', async () => {
    const bytes = big()
    const seen: { bytesRead: number; rows: number }[] = []
    const r = await importTable(bytesSource('p.csv', bytes, 65536), {}, { onProgress: (p) => seen.push(p) })
    expect(r.rows).toBe(200_000)
    expect(seen.length).toBeGreaterThan(10)
    expect(seen.at(-1)!.bytesRead).toBe(bytes.length)
    for (let k = 1; k < seen.length; k++) expect(seen[k]!.bytesRead).toBeGreaterThanOrEqual(seen[k - 1]!.bytesRead)
  })

  it('stops with an AbortError when cancelled', async () => {
    const controller = new AbortController()
    const p = importTable(bytesSource('c.csv', big(), 65536), { fastPath: false }, { signal: controller.signal, onProgress: () => controller.abort() })
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('a cell past the field cap names row and column', async () => {
    const e = await inputError(importBytes(`a,b\n1,${'x'.repeat(2000)}\n2,3\n`, 'f.csv', { limits: { maxFieldChars: 1000 } }))
    expect(e.message).toBe('f.csv, row 2, field 2 has 2,000 characters; Slope reads cells up to 1,000.')
  })

  it('a quote that never closes in a large file stops at the row cap instead of rescanning', async () => {
    const body = '1,2\n'.repeat(300_000)
    const e = await inputError(importBytes(`a,b\n1,"2\n${body}`, 'q.csv', { limits: { maxRowChars: 100_000 } }, {}, 65536))
    expect(e.message).toMatch(/^q\.csv has a quoted field that never closes \(starting in row 2; more than 97\.7 KiB read/)
  })

  it('cell, column and size caps', async () => {
    expect((await inputError(importBytes('a,b\n1,2\n3,4\n5,6\n', 'c.csv', { limits: { maxCells: 5 } }))).message).toBe(
      'c.csv has more than 5 cells (row 4 × 2 columns).',
    )
    expect((await inputError(importBytes('a,b,c\n1,2,3\n', 'w.csv', { limits: { maxColumns: 2 } }))).message).toBe('w.csv has 3 columns; Slope reads at most 2.')
    expect((await inputError(importBytes('a,b\n1,2\n', 's.csv', { limits: { maxTextFileBytes: 4 } }))).message).toBe('s.csv is 8 bytes; Slope reads text files up to 4 bytes.')
    const bytes = fixtureBytes('openpyxl.xlsx')
    expect((await inputError(importBytes(bytes, 'o.xlsx', { limits: { maxInflatedBytes: 10_000 } }))).message).toContain('expands to more than 9.8 KiB')
  })
})

describe('text columns kept as factors', () => {
  it('keeps a 300-level column (a ZIP code) with its codes; one over 10,000 levels is not kept, and a note says why', async () => {
    const zip = Array.from({ length: 600 }, (_, i) => `Z${String(10_000 + (i % 300))}`)
    const kept = await importBytes(`zip,y\n${zip.map((z, i) => `${z},${i}`).join('\n')}\n`)
    const text = kept.textColumns.get('zip')!
    expect(text.levels).toHaveLength(300)
    expect(text.levels[text.codes[301]!]).toBe('Z10001')
    expect(kept.columns.find((c) => c.name === 'zip')!.distinct).toBe(300)
    expect(kept.notes.filter((n) => n.includes('distinct texts'))).toEqual([])

    const ids = await importBytes(`id,y\n${Array.from({ length: 10_001 }, (_, i) => `id${i},${i}`).join('\n')}\n`)
    expect(ids.textColumns.has('id')).toBe(false)
    expect(ids.notes).toContain('"id" has more than 10,000 distinct texts: not kept as a factor (a formula\'s C() or one-hot encoding); group the values into fewer categories to use it')
  })
})
