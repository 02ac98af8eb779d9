import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { DuckParquet } from '../../testing/duckdb-parquet'
import { importBytes, inputError } from '../../testing/import-helpers'
import type { ImportResult } from '../import-table'

let duck: DuckParquet
beforeAll(async () => {
  duck = await DuckParquet.open()
})

const bytesOf = (path: string) => new Uint8Array(readFileSync(path))

/**
 * 5,000 rows of every type Slope reads, with nulls in each: more than one row group whenever
 * ROW_GROUP_SIZE is below that, dictionary-encoded strings (few distinct values), an int64 column
 * beyond 2^53 and decimals stored as int32, int64 and 16-byte integers.
 */
const TYPES = `
  SELECT
    CASE WHEN i % 7 = 3 THEN NULL ELSE i::INTEGER - 2500 END AS i32,
    CASE WHEN i % 11 = 5 THEN NULL ELSE (i * 1000003)::BIGINT END AS i64,
    (9007199254740993 + 2 * i)::BIGINT AS beyond_2_53,
    CASE WHEN i % 13 = 0 THEN NULL ELSE i / 7.0 END AS dbl,
    (i / 3)::FLOAT AS flt,
    CASE WHEN i % 17 = 1 THEN NULL ELSE (i * 1.25)::DECIMAL(9, 2) END AS dec9,
    (i * 1.0001)::DECIMAL(18, 4) AS dec18,
    (i * 123456.789)::DECIMAL(38, 3) AS dec38,
    CASE WHEN i % 5 = 0 THEN NULL ELSE ['北京', 'Paris', 'Rome', 'São Paulo'][i % 4 + 1] END AS city,
    CASE WHEN i % 9 = 0 THEN NULL ELSE i % 2 = 0 END AS even,
    CASE WHEN i % 19 = 2 THEN NULL ELSE DATE '2024-01-31' + (i % 400)::INTEGER END AS day,
    TIMESTAMP '2024-02-29 13:45:30' + to_seconds(i * 3601) AS at,
    TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i * 60) AS at_utc
  FROM range(5000) t(i)`

async function expectSameAsDuckDB(path: string, result: ImportResult) {
  const ref = await duck.reference(path)
  expect(result.columns.map((c) => c.name)).toEqual(ref.map((c) => c.name))
  expect(result.rows).toBe(ref[0]!.values.length)
  for (const column of ref) {
    const ours = result.columns.find((c) => c.name === column.name)!
    expect([column.name, ours.type]).toEqual([column.name, column.slope])
    expect(ours.missing).toBe(column.values.filter((v) => v === null).length)
    if (column.slope === 'text') {
      const text = result.textColumns.get(column.name)!
      const values = Array.from(text.codes, (k) => (k < 0 ? null : text.levels[k]!))
      expect(values).toEqual(column.values)
      continue
    }
    const values = Array.from(result.table.column(column.name), (v) => (Number.isNaN(v) ? null : v))
    const mismatches = values.flatMap((v, i) => {
      const want = column.values[i] as number | null
      // within a few ulps: DuckDB and Slope may round the serial-day arithmetic differently
      const same = v === want || (v !== null && want !== null && Math.abs(v - want) <= 4 * Number.EPSILON * Math.max(1, Math.abs(want)))
      return same ? [] : [{ row: i, ours: v, duckdb: want }]
    })
    expect([column.name, mismatches.slice(0, 3)]).toEqual([column.name, []])
  }
}

describe('Parquet files written by DuckDB read as DuckDB reads them', () => {
  for (const compression of ['snappy', 'zstd', 'uncompressed']) {
    it(`${compression}, 3 row groups: names, types, values and nulls of every column`, async () => {
      const path = await duck.write(`types-${compression}.parquet`, TYPES, `COMPRESSION ${compression}, ROW_GROUP_SIZE 2048`)
      const layout = await duck.layout(path)
      expect(layout.rowGroups).toBe(3)
      expect(new Set(layout.chunks.map((c) => c.compression))).toEqual(new Set([compression.toUpperCase()]))
      expect(layout.chunks.find((c) => c.column === 'city')!.encodings).toMatch(/DICTIONARY/)
      const r = await importBytes(bytesOf(path), 'types.parquet')
      expect(r.format).toBe('parquet')
      await expectSameAsDuckDB(path, r)
      expect(r.details).toMatchObject({ row_groups: 3, compression })
    })
  }

  it('maps types as workbooks do: numbers, dates as serial days, booleans and strings as one-hot capable text', async () => {
    const path = await duck.write('types.parquet', TYPES, 'ROW_GROUP_SIZE 2048')
    const r = await importBytes(bytesOf(path), 'types.parquet')
    const type = (name: string) => r.columns.find((c) => c.name === name)!.type
    expect(['i32', 'i64', 'beyond_2_53', 'dbl', 'flt', 'dec9', 'dec18', 'dec38'].map(type)).toEqual(Array(8).fill('number'))
    expect(['day', 'at', 'at_utc'].map(type)).toEqual(['date', 'date', 'date'])
    expect(r.textColumns.get('even')!.levels.sort()).toEqual(['FALSE', 'TRUE'])
    expect(r.textColumns.get('city')!.levels.sort()).toEqual(['Paris', 'Rome', 'São Paulo', '北京'])
    // Excel's serial for 2024-01-31 is 45322 (hand check: 45,292 is 2024-01-01, plus 30 days).
    expect(r.table.column('day')[0]).toBe(45322)
    expect(r.table.column('at')[0]).toBeCloseTo(45351 + (13 * 3600 + 45 * 60 + 30) / 86400, 9)
    expect(r.notes).toContain('dates became numbers: serial day numbers as in Excel (days since 1899-12-30; time of day as the fraction)')
    // Rows are numbered as in a CSV export of the file: names in row 1, data from row 2.
    expect(r.headerRow).toBe(1)
    expect(r.table.rowNumber(0)).toBe(2)
  })

  it('int64 beyond 2^53 becomes the nearest double, and the report says so with the first case', async () => {
    const path = await duck.write('big.parquet', TYPES)
    const r = await importBytes(bytesOf(path), 'big.parquet')
    expect(r.table.column('beyond_2_53')[0]).toBe(9007199254740992) // 2^53 + 1 rounds to 2^53 (ties to even)
    expect(r.table.column('beyond_2_53')[1]).toBe(9007199254740996) // 2^53 + 3 rounds up to 2^53 + 4
    expect(r.notes).toContain('column "beyond_2_53": 5,000 integers beyond ±2^53 read as the nearest double (first: row 2, 9007199254740993 → 9007199254740992)')
    expect(r.notes.some((n) => n.startsWith('column "i64"'))).toBe(false) // within 2^53: exact, no note
  })

  it('NaN and infinities in a double column are non-numeric cells, as in the other formats', async () => {
    const path = await duck.write('nan.parquet', `SELECT [1.5, 'nan'::DOUBLE, 2.5, 'inf'::DOUBLE, NULL][i % 5 + 1] AS x, i::DOUBLE AS y FROM range(10) t(i)`)
    const r = await importBytes(bytesOf(path), 'nan.parquet')
    expect(r.columns[0]).toMatchObject({ name: 'x', type: 'number', missing: 2, nonNumeric: 4, firstNonNumeric: { row: 3, text: 'NaN' } })
    expect(r.table.cellText(0, 1)).toBe('NaN')
    expect(r.table.cellText(0, 3)).toBe('Infinity')
  })

  it('nested columns are left out with a note; a file of nothing else is refused', async () => {
    const path = await duck.write('nested.parquet', `SELECT i::DOUBLE AS x, [i, i] AS pair, {'a': i} AS s FROM range(4) t(i)`)
    const r = await importBytes(bytesOf(path), 'nested.parquet')
    expect(r.columns.map((c) => c.name)).toEqual(['x'])
    expect(r.notes).toContain('columns not read (Slope reads flat columns of numbers, dates, text and booleans): "pair" (a list), "s" (a struct)')
    const only = await duck.write('only-nested.parquet', `SELECT [i] AS pair FROM range(4) t(i)`)
    expect((await inputError(importBytes(bytesOf(only), 'only-nested.parquet'))).message).toBe('only-nested.parquet has no column Slope can read ("pair" a list).')
  })

  it('a file without rows is refused in one sentence', async () => {
    const path = await duck.write('empty.parquet', `SELECT 1.5 AS x WHERE false`)
    expect((await inputError(importBytes(bytesOf(path), 'empty.parquet'))).message).toBe('empty.parquet has column names but no data rows.')
  })
})

describe('Parquet files Slope cannot read get one sentence naming the file and what to do', () => {
  for (const codec of ['gzip', 'brotli']) {
    it(`${codec}-compressed: refused before decoding, with how to write it instead`, async () => {
      const path = await duck.write(`${codec}.parquet`, TYPES, `COMPRESSION ${codec}`)
      const e = await inputError(importBytes(bytesOf(path), `${codec}.parquet`))
      expect(e.message).toBe(`${codec}.parquet is compressed with ${codec.toUpperCase()}, which Slope does not read yet (column "i32").`)
      expect(e.hint).toMatch(/^Write it with Snappy compression or none \(DuckDB: COPY … \(FORMAT parquet, COMPRESSION snappy\)/)
    })
  }

  it('truncated: damaged or incomplete, whether its end or all but its start is missing', async () => {
    const bytes = bytesOf(await duck.write('whole.parquet', TYPES))
    for (const keep of [bytes.length - 1, bytes.length - 200, 1000, 5]) {
      const e = await inputError(importBytes(bytes.subarray(0, keep), 'cut.parquet'))
      expect(e.message).toBe('cut.parquet is a damaged or incomplete Parquet file (it starts with "PAR1" but does not end with it — truncated?).')
      expect(e.hint).toMatch(/^Copy or write the file again/)
    }
  })

  it('a damaged footer: damaged, with what failed', async () => {
    const bytes = bytesOf(await duck.write('footer.parquet', TYPES)).slice()
    const view = new DataView(bytes.buffer)
    view.setUint32(bytes.length - 8, bytes.length * 2, true) // a footer length past the file's start
    const e = await inputError(importBytes(bytes, 'footer.parquet'))
    expect(e.message).toMatch(/^footer\.parquet is a damaged or incomplete Parquet file \(its footer does not parse: /)
  })

  it('named .parquet but not Parquet (text, or a PNG image): refused by its bytes', async () => {
    for (const [name, bytes] of [
      ['text.parquet', new TextEncoder().encode('x,y\n1,2\n3,4\n')],
      ['image.parquet', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ] as const) {
      const e = await inputError(importBytes(bytes, name))
      expect(e.message).toBe(`${name} is not a Parquet file (its bytes do not start with "PAR1", as every Parquet file's do).`)
    }
  })

  it('a Parquet file named .csv is read as Parquet: the bytes decide', async () => {
    const r = await importBytes(bytesOf(await duck.write('renamed.parquet', TYPES)), 'renamed.csv')
    expect(r.format).toBe('parquet')
    expect(r.rows).toBe(5000)
  })

  it('file options are refused, naming the formats that take them', async () => {
    const bytes = bytesOf(await duck.write('options.parquet', TYPES))
    const sheet = await inputError(importBytes(bytes, 'o.parquet', { sheet: 'x' }))
    expect(sheet.sentence).toBe('“Sheet” applies to workbooks, but o.parquet is a Parquet file. Leave out “Sheet”.')
    expect(sheet.fixes).toEqual([{ setting: 'sheet' }])
    const encoding = await inputError(importBytes(bytes, 'o.parquet', { encoding: 'gbk' }))
    expect(encoding.message).toBe('“Encoding” applies to text files, but o.parquet is a Parquet file.')
  })

  it('the caps of the other formats: cells, columns, file size, decompressed size, cell length', async () => {
    const bytes = bytesOf(await duck.write('caps.parquet', TYPES, 'ROW_GROUP_SIZE 2048'))
    const cap = async (limits: object) => (await inputError(importBytes(bytes, 'c.parquet', { limits }))).message
    expect(await cap({ maxCells: 10_000 })).toBe('c.parquet has 5,000 rows × 13 columns, more than 10,000 cells.')
    expect(await cap({ maxColumns: 12 })).toBe('c.parquet has 13 columns; Slope reads at most 12.')
    expect(await cap({ maxParquetBytes: 1000 })).toMatch(/^c\.parquet is [\d.]+ KiB; Slope reads Parquet files up to 1000 bytes\.$/)
    expect(await cap({ maxInflatedBytes: 20_000 })).toBe(
      'c.parquet: row group 1 expands to more than 19.5 KiB when decompressed (a decompression bomb, or row groups too large for Slope).',
    )
    expect(await cap({ maxFieldChars: 5 })).toBe('c.parquet, row 5, column "city" has a cell of 9 characters; Slope reads cells up to 5.') // i = 3: "São Paulo"
  })
})

describe('Parquet import as the app runs it', () => {
  it('reports progress per row group, ending at all rows and the file size', async () => {
    const bytes = bytesOf(await duck.write('progress.parquet', TYPES, 'ROW_GROUP_SIZE 2048'))
    const seen: { rows: number; bytesRead: number }[] = []
    await importBytes(bytes, 'p.parquet', {}, { onProgress: (p) => seen.push(p) })
    expect(seen.map((p) => p.rows)).toEqual([2048, 4096, 5000])
    expect(seen.at(-1)!.bytesRead).toBeLessThanOrEqual(bytes.length)
  })

  it('stops with an AbortError when cancelled', async () => {
    const bytes = bytesOf(await duck.write('cancel.parquet', TYPES, 'ROW_GROUP_SIZE 2048'))
    const controller = new AbortController()
    const p = importBytes(bytes, 'c.parquet', {}, { signal: controller.signal, onProgress: () => controller.abort() })
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
  })
})
