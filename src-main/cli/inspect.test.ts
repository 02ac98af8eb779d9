import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { DuckParquet } from '../../src-core/testing/duckdb-parquet'
import { runCli } from '../testing/run-cli'

const fixtures = 'fixtures/import'
const tmp = mkdtempSync(join(tmpdir(), 'slope-import-'))

function file(name: string, content: string | Uint8Array): string {
  const path = join(tmp, name)
  writeFileSync(path, content)
  return path
}

describe('slope inspect', () => {
  it('prints encoding, delimiter, decimal and a table with Chinese column names aligned', async () => {
    const r = await runCli(['inspect', `${fixtures}/gbk.csv`])
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('gbk.csv: text, 5 rows, 4 columns')
    expect(lines[1]).toBe('encoding gb18030 (detected), delimiter ",", decimal separator "."')
    const header = lines.find((l) => l.startsWith('column'))!
    const sales = lines.find((l) => l.startsWith('销售额'))!
    // 销售额 is 3 characters but 6 terminal cells wide: the type column starts where the header's does
    expect(sales).toMatch(/^销售额  number/)
    expect(header.indexOf('type')).toBe(8)
    expect(sales).toContain('1234.5')
    expect(sales).toContain('5678')
    expect(lines.find((l) => l.startsWith('日期'))).toMatch(/date .* 2024-01-31 +2024-05-20/)
  })

  it('--json is one document with the fields of the issue, names in Chinese', async () => {
    const r = await runCli(['inspect', `${fixtures}/openpyxl.xlsx`, '--json'])
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc).toMatchObject({ rows: 5, encoding: null, delimiter: null, decimal: null, sheet: '数据', sheets: ['Lookup', '数据', 'Notes'], header_row: 3 })
    expect(doc.columns.map((c: { name: string }) => c.name)).toEqual(['城市', '销售额', '广告费', '日期', '备注'])
    expect(doc.columns[1]).toMatchObject({ type: 'number', missing: 0, non_numeric: 0, min: 1234.5, max: 5678, mean: 3456.3 })
    expect(doc.columns[1].std).toBeCloseTo(1756.56621, 4) // pandas: 1756.566211746657
    expect(doc.columns[3]).toMatchObject({ type: 'date', min: 45322, min_date: '2024-01-31' })
    expect(doc.columns[4]).toMatchObject({ type: 'text', missing: 3, distinct: 2, min: null })
  })

  it('the first non-numeric cell, with its row', async () => {
    const r = await runCli(['inspect', `${fixtures}/messy.csv`, '--json'])
    const x = JSON.parse(r.stdout).columns[1]
    expect(x).toMatchObject({ name: 'x', missing: 1, non_numeric: 3, first_non_numeric: { row: 4, column: 'x', text: 'n/a' } })
  })

  it('--encoding, --delimiter and --sheet override detection', async () => {
    const r = await runCli(['inspect', `${fixtures}/gbk.csv`, '--encoding', 'gbk', '--json'])
    expect(JSON.parse(r.stdout)).toMatchObject({ encoding: 'gbk', encoding_source: 'given' })
    const d = await runCli(['inspect', `${fixtures}/pipe.txt`, '--delimiter', ',', '--json'])
    expect(JSON.parse(d.stdout).columns).toHaveLength(1) // one column "a|b|c", as asked
    const s = await runCli(['inspect', `${fixtures}/openpyxl.xlsx`, '--sheet', 'Lookup', '--json'])
    expect(JSON.parse(s.stdout)).toMatchObject({ sheet: 'Lookup', rows: 1 })
  })
})

describe('slope train and predict read every format', () => {
  it('trains on an XLSX sheet with Chinese names, and predicts with the model', async () => {
    const model = join(tmp, 'm.json')
    const t = await runCli(['train', `${fixtures}/openpyxl.xlsx`, '--sheet', '数据', '--target', '销售额', '--features', '广告费', '--solver', 'lstsq', '--out', model])
    expect(t.code).toBe(0)
    expect(t.stdout).toMatch(/model: 销售额 = [\d.]+·广告费/)
    const sha256 = createHash('sha256').update(readFileSync(`${fixtures}/openpyxl.xlsx`)).digest('hex')
    expect(JSON.parse(readFileSync(model, 'utf8')).dataset).toMatchObject({ file: 'openpyxl.xlsx', sha256, rows: 5 })
    const p = await runCli(['predict', model, `${fixtures}/utf8-bom.csv`])
    expect(p.code).toBe(0)
    expect(p.stdout.split('\n')[0]).toBe('row,广告费,销售额,predicted_销售额')
  })

  it('--one-hot encodes text columns as pandas does, records them in the model, and predict applies them', async () => {
    const model = join(tmp, 'oh.json')
    const t = await runCli(['train', `${fixtures}/categories.csv`, '--target', 'y', '--one-hot', 'auto', '--solver', 'lstsq', '--out', model, '--json'])
    expect(t.code).toBe(0)
    const doc = JSON.parse(t.stdout)
    expect(doc.one_hot).toEqual([
      { column: '区域', reference: '华东', levels: ['华北', '华南', '西部'], features: ['区域=华北', '区域=华南', '区域=西部'] },
      { column: 'size', reference: 'L', levels: ['M', 'S'], features: ['size=M', 'size=S'] },
    ])
    const written = JSON.parse(readFileSync(model, 'utf8'))
    expect(written.one_hot[0]).toEqual({ column: '区域', reference: '华东', levels: ['华北', '华南', '西部'] })
    const data = file('new.csv', '区域,size\n华北,S\n华东,L\n东北,M\n')
    const p = await runCli(['predict', model, data])
    expect(p.code).toBe(0)
    const rows = p.stdout.trim().split('\n').map((l) => l.split(','))
    const c = written.coefficients
    expect(Number(rows[1]!.at(-1))).toBeCloseTo(written.intercept + c['区域=华北'] + c['size=S'], 10)
    expect(Number(rows[2]!.at(-1))).toBeCloseTo(written.intercept, 10) // both reference levels
    expect(rows[3]!.at(-1)).toBe('') // 东北 was never seen in training
    expect(p.stderr).toContain('1 rows have a value of "区域" the model was not trained on')
  })

  it('reads a ;-separated decimal-comma file and a GBK file for training', async () => {
    const a = await runCli(['train', `${fixtures}/decimal-comma.csv`, '--target', 'Umsatz', '--solver', 'lstsq', '--json'])
    expect(a.code).toBe(0)
    const b = await runCli(['train', `${fixtures}/gbk.csv`, '--target', '销售额', '--features', '广告费', '--encoding', 'gb18030', '--epochs', '5', '--json'])
    expect(b.code).toBe(0)
    expect(JSON.parse(b.stdout).model.features).toEqual(['广告费'])
  })
})

describe('Parquet through the CLI (files written by DuckDB; DuckDB computes the references)', () => {
  let duck: DuckParquet
  let sales: string
  beforeAll(async () => {
    duck = await DuckParquet.open()
    // y = 3 + 2·x plus a deterministic wobble; a dictionary-encoded text column with a null; 3 row groups.
    sales = await duck.write(
      'sales.parquet',
      `SELECT i::DOUBLE AS x, 3 + 2 * i + ((i * 7919) % 13 - 6) / 10.0 AS y, CASE WHEN i = 7 THEN NULL ELSE ['东', 'west', 'north'][i % 3 + 1] END AS region,
              DATE '2024-01-01' + i::INTEGER AS day FROM range(5000) t(i)`,
      'ROW_GROUP_SIZE 2048',
    )
  })

  it('inspect prints the format, its row groups and the columns with DuckDB\'s statistics', async () => {
    const r = await runCli(['inspect', sales])
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('sales.parquet: Parquet, 5,000 rows, 4 columns')
    expect(lines[1]).toMatch(/^3 row groups, compression snappy; written by DuckDB/)
    expect(lines.find((l) => l.startsWith('region'))).toMatch(/^region +text \(3 distinct\) +1$/)
    expect(lines.find((l) => l.startsWith('day'))).toMatch(/date .* 2024-01-01 +2037-09-08/)

    const doc = JSON.parse((await runCli(['inspect', sales, '--json'])).stdout)
    const [ref] = await duck.query(`SELECT avg(y) AS mean, stddev_samp(y) AS std, min(y) AS min, max(y) AS max FROM '${sales}'`)
    expect(doc).toMatchObject({ format: 'parquet', rows: 5000, header_row: 1, encoding: null, sheet: null, details: { row_groups: 3, compression: 'snappy' } })
    const y = doc.columns.find((c: { name: string }) => c.name === 'y')
    expect(y).toMatchObject({ type: 'number', missing: 0, min: ref!.min, max: ref!.max })
    expect(y.mean).toBeCloseTo(ref!.mean as number, 9)
    expect(y.std).toBeCloseTo(ref!.std as number, 9)
  })

  it('train fits what DuckDB\'s regr_slope/regr_intercept fit, one-hot encodes a Parquet text column, and predict applies the model', async () => {
    const model = join(tmp, 'parquet-model.json')
    const t = await runCli(['train', sales, '--target', 'y', '--features', 'x', '--solver', 'lstsq', '--out', model, '--json'])
    expect(t.code).toBe(0)
    const [ref] = await duck.query(`SELECT regr_slope(y, x) AS slope, regr_intercept(y, x) AS intercept FROM '${sales}'`)
    const written = JSON.parse(readFileSync(model, 'utf8'))
    expect(written.coefficients.x).toBeCloseTo(ref!.slope as number, 10)
    expect(written.intercept).toBeCloseTo(ref!.intercept as number, 8)
    expect(written.dataset).toMatchObject({ file: 'sales.parquet', rows: 5000, sha256: createHash('sha256').update(readFileSync(sales)).digest('hex') })

    const oneHot = await runCli(['train', sales, '--target', 'y', '--features', 'x', '--one-hot', 'region', '--missing', 'drop', '--solver', 'lstsq', '--no-db', '--json'])
    expect(oneHot.code).toBe(0)
    expect(JSON.parse(oneHot.stdout).one_hot).toEqual([{ column: 'region', reference: 'north', levels: ['west', '东'], features: ['region=west', 'region=东'] }])

    const fresh = await duck.write('fresh.parquet', `SELECT [10.0, 20.5, NULL][i + 1] AS x FROM range(3) t(i)`)
    const p = await runCli(['predict', model, fresh])
    expect(p.code).toBe(0)
    const rows = p.stdout.trim().split('\n').map((l) => l.split(','))
    expect(rows[0]).toEqual(['row', 'x', 'predicted_y'])
    expect(rows.slice(1).map((r) => r[0])).toEqual(['2', '3', '4']) // names are row 1, as in a CSV export
    expect(Number(rows[1]![2])).toBeCloseTo(written.intercept + 10 * written.coefficients.x, 8)
    expect(Number(rows[2]![2])).toBeCloseTo(written.intercept + 20.5 * written.coefficients.x, 8)
    expect(rows[3]![2]).toBe('') // a null feature: no prediction
  })

  it('a truncated, a GZIP and a fake Parquet file: exit 1, one line naming the file and what to do', async () => {
    const bytes = readFileSync(sales)
    const cases: [string, RegExp][] = [
      [file('cut.parquet', bytes.subarray(0, bytes.length - 100)), /^error: cut\.parquet is a damaged or incomplete Parquet file \(.*truncated\?\)\. Copy or write the file again/],
      [await duck.write('gzip.parquet', `SELECT i::DOUBLE AS x FROM range(10) t(i)`, 'COMPRESSION gzip'), /^error: gzip\.parquet is compressed with GZIP, which Slope does not read yet .* Write it with Snappy/],
      [file('fake.parquet', 'x,y\n1,2\n'), /^error: fake\.parquet is not a Parquet file \(its bytes do not start with "PAR1"/],
    ]
    for (const [path, pattern] of cases) {
      const r = await runCli(['inspect', path])
      expect(r.stderr).toMatch(pattern)
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  })

  it('usage texts list Parquet from the registry', async () => {
    expect((await runCli(['--help'])).stdout).toContain('a CSV, TSV, XLSX, XLS, ODS, or Parquet file')
    expect((await runCli(['train', '--help'])).stdout).toContain('(CSV, TSV, XLSX, XLS, ODS, or Parquet; see slope inspect FILE)')
    expect((await runCli(['inspect', '--help'])).stdout).toContain('Parquet files take none of these options.')
  })
})

describe('bad input: exit 1, one line "error: …" saying what, where and what to do', () => {
  const big = (n: number) => 'x'.repeat(n)
  const cases: [string, () => string, string[], RegExp][] = [
    ['empty file', () => file('empty.csv', ''), [], /^error: empty\.csv is empty\. Choose a file with a header row/],
    ['header only', () => file('header.csv', 'x,y\r\n'), [], /^error: header\.csv has a header row but no data rows\./],
    ['binary junk', () => `${fixtures}/binary.csv`, [], /^error: binary\.csv contains NUL bytes, so it is not a text table/],
    ['NUL bytes in text', () => file('nul.csv', 'x,y\n1,2\u0000\n'), [], /^error: nul\.csv contains NUL bytes/],
    ['control-character junk', () => file('junk.csv', Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) % 32 || 1)), [], /^error: junk\.csv does not look like text/],
    ['truncated XLSX', () => `${fixtures}/truncated.xlsx`, [], /^error: truncated\.xlsx is a damaged or incomplete XLSX file .* Open it in your spreadsheet program/],
    ['fake XLSX', () => `${fixtures}/fake.xlsx`, [], /^error: fake\.xlsx is not a real \.xlsx file/],
    ['zip bomb', () => `${fixtures}/zip-bomb.xlsx`, [], /^error: zip-bomb\.xlsx expands to more than 1 GiB when unpacked/],
    ['zip bomb with lying sizes', () => `${fixtures}/zip-bomb-lying.xlsx`, [], /^error: zip-bomb-lying\.xlsx expands to more than 1 GiB/],
    ['unterminated quote', () => file('quote.csv', 'x,y\n1,2\n3,"4\n5,6\n'), [], /^error: quote\.csv has a quoted field that never closes \(starting in row 3\)\. Fix the quotes/],
    ['ragged rows', () => file('ragged.csv', 'x,y\n1,2\n3,4,5\n'), [], /^error: ragged\.csv, row 3 has 3 fields but the header has 2\. Make every row/],
    ['5 MB single field', () => file('long.csv', `x,y\n1,"${big(5_000_000)}"\n2,3\n`), [], /^error: long\.csv, row 2, field 2 has 5,000,000 characters; Slope reads cells up to 1,048,576\. Shorten or remove that cell/],
    ['5 MB field in a small file', () => file('long2.csv', `x,y\n1,${big(3_000_000)}\n`), [], /^error: long2\.csv, row 2, field 2 has 3,000,000 characters; Slope reads cells up to 1,048,576\./],
    ['formulas without results', () => `${fixtures}/formulas-openpyxl.xlsx`, [], /^error: formulas-openpyxl\.xlsx, sheet "calc": 10 formula cells have no saved result \(first: B2/],
    ['unknown sheet', () => `${fixtures}/openpyxl.xlsx`, ['--sheet', 'Sales'], /^error: openpyxl\.xlsx has no sheet "Sales"\. Its sheets are "Lookup", "数据", "Notes"/],
    ['unknown encoding', () => `${fixtures}/gbk.csv`, ['--encoding', 'klingon'], /^error: Unknown text encoding "klingon"\./],
    ['wrong encoding', () => file('utf8.csv', '名,x\n甲,1\n乙,2\n'), ['--encoding', 'shift_jis'], /^error: utf8\.csv is not valid shift_jis text .*--encoding/],
    ['bad delimiter', () => `${fixtures}/gbk.csv`, ['--delimiter', '::'], /^error: The delimiter must be one character/],
  ]
  for (const [name, make, extra, pattern] of cases) {
    it(`inspect: ${name}`, async () => {
      const r = await runCli(['inspect', make(), ...extra])
      expect(r.stderr).toMatch(pattern)
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    })
  }

  const trainCases: [string, string, string[], RegExp][] = [
    ['inf, nan and 1e999 in the target', 'x,y\n1,1\n2,inf\n3,nan\n4,1e999\n5,5\n6,6\n7,7\n8,8\n', ['--target', 'y'], /^error: Column "y" has a value that is not a finite number \("inf"\) \(nonfinite\.csv, row 3\)\./],
    ['a constant target', 'x,y\n1,3\n2,3\n3,3\n', ['--target', 'y'], /^error: The target "y" has the same value \(3\) in every training row/],
    ['an all-text target', 'x,y\n1,a\n2,b\n3,c\n', ['--target', 'y'], /^error: Column "y" holds text \(row 2: "a"\), so it cannot be used as a number\./],
    ['one-hot of a numeric column', 'x,y\n1,3\n2,4\n3,6\n', ['--target', 'y', '--one-hot', 'x'], /^error: Column "x" is a number column; one-hot encoding is for text columns/],
  ]
  const names = ['nonfinite.csv', 'constant.csv', 'text.csv', 'onehot.csv']
  trainCases.forEach(([name, content, args, pattern], i) => {
    it(`train: ${name}`, async () => {
      const r = await runCli(['train', file(names[i]!, content), ...args])
      expect(r.stderr).toMatch(pattern)
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    })
  })

  it('--decimal takes . or , only (usage error, exit 2)', async () => {
    const r = await runCli(['inspect', `${fixtures}/gbk.csv`, '--decimal', ';'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error: --decimal must be one of \., ,; got ";"\./)
  })
})
