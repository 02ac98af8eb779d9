import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing/run-cli'
import { tempDir } from '../testing/temp'
import { numericRows, repeatedPart, SHEET_HEAD, SHEET_TAIL, STRINGS_HEAD, STRINGS_TAIL, xlsxFile } from '../../src-core/testing/xlsx-file'

/**
 * Hostile files against the real `slope` command: time and memory bounded by the data kept, not
 * by the file's lines or its XML; a cap hit is named in one sentence. Peak RSS is the child's own
 * (process.resourceUsage().maxRSS at exit, worker threads included), printed by a preload.
 * Goal (issue 13): peak RSS ≤ 4 × bytes of numbers kept + 300 MB.
 */
const dir = tempDir('slope-hostile-')
const BASE_MB = 300
const preload = join(dir, 'peak-rss.mjs')
writeFileSync(preload, "process.on('exit', () => process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\\n`))\n")
const RSS_PRELOAD = `--import=${preload}`

async function measured(args: string[]) {
  const r = await runCli(args, { env: { NODE_OPTIONS: RSS_PRELOAD } })
  const m = /peak-rss-kb (\d+)\n$/.exec(r.stderr)
  expect(m, r.stderr).not.toBeNull()
  return { ...r, stderr: r.stderr.slice(0, m!.index), peakMB: Number(m![1]) / 1024 }
}

describe('blank lines cost nothing', () => {
  // 3 MiB of blank lines (the 10 MiB file scaled down: each blank line cost ~350 bytes,
  // ~1 GB here before the change; the cost is per line, so the smaller file shows the same).
  const blanks = '\n'.repeat(3 * 1024 ** 2)
  const csv = join(dir, 'blank-lines.csv')
  writeFileSync(csv, `x,y\n${blanks}1,2\n3,4\n5,7\n${blanks}8,9\n${blanks}`)

  it('slope inspect counts the 4 data rows, in bounded memory', async () => {
    const r = await measured(['inspect', csv])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('blank-lines.csv: text, 4 rows, 2 columns')
    expect(r.peakMB).toBeLessThan(BASE_MB)
  })

  it('slope train and slope predict read the same 4 rows, predictions carry the spreadsheet row numbers', async () => {
    const model = join(dir, 'blank-model.json')
    const train = await measured(['train', csv, '--target', 'y', '--solver', 'lstsq', '--no-db', '--out', model])
    expect(train.code, train.stderr).toBe(0)
    expect(train.peakMB).toBeLessThan(BASE_MB)
    const predict = await measured(['predict', model, csv])
    expect(predict.code, predict.stderr).toBe(0)
    expect(predict.peakMB).toBeLessThan(BASE_MB)
    const rows = predict.stdout.trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]))
    const n = 3 * 1024 ** 2
    expect(rows).toEqual([n + 2, n + 3, n + 4, 2 * n + 5])
  })
})

describe('workbooks are counted before SheetJS builds them', () => {
  it('a 6 M-cell sheet in a small file: the cell cap is named, memory stays bounded', async () => {
    // The 1.4 MB file of 450 M cells, scaled: past the 5 M-cell cap the behaviour is the same.
    const row = `<row>${'<c><v>1</v></c>'.repeat(16_384)}</row>`
    const file = join(dir, 'many-cells.xlsx')
    writeFileSync(file, xlsxFile(repeatedPart(SHEET_HEAD, row, 370, SHEET_TAIL)))
    expect(readFileSync(file).length).toBeLessThan(1024 ** 2)
    const r = await measured(['inspect', file])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'error: many-cells.xlsx holds more than 5,000,000 cells; Slope reads workbooks up to that many. Export the sheet you need as CSV, or keep only the rows and columns you need.\n',
    )
    expect(r.peakMB).toBeLessThan(BASE_MB)
  })

  it('a part that unpacks to 300 MB of XML (under the 1 GiB zip-bomb cap) is refused by name, not read as an empty sheet', async () => {
    const file = join(dir, 'padded.xlsx')
    writeFileSync(file, xlsxFile(repeatedPart(`${SHEET_HEAD}${numericRows(3, 2, (r, c) => r + c)}`, ' '.repeat(1024 ** 2), 300, SHEET_TAIL)))
    const r = await measured(['inspect', file])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'error: padded.xlsx: the part xl/worksheets/sheet1.xml unpacks to more than 256 MiB of XML; Slope reads workbook parts up to that size. Export the sheet you need as CSV, or keep only the rows and columns you need.\n',
    )
    expect(r.peakMB).toBeLessThan(BASE_MB)
  })

  it('1.1 M shared strings: the shared-string cap is named', async () => {
    // The 3 M strings scaled to just past the 1 M cap.
    const file = join(dir, 'strings.xlsx')
    writeFileSync(file, xlsxFile(numericRows(3, 2, (r, c) => r + c), repeatedPart(STRINGS_HEAD, '<si><t>ab</t></si>', 1_100_000, STRINGS_TAIL)))
    const r = await measured(['inspect', file])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'error: strings.xlsx holds more than 1,000,000 distinct texts (shared strings); Slope reads workbooks with up to that many. Export the sheet you need as CSV, or remove the text columns you do not need.\n',
    )
    expect(r.peakMB).toBeLessThan(BASE_MB)
  })

  it('a workbook under the caps still reads, its numbers exact', async () => {
    const file = join(dir, 'small.xlsx')
    const header = '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="B1" t="inlineStr"><is><t>y</t></is></c></row>'
    const body = '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2.5</v></c></row><row r="900000"><c r="A900000"><v>3</v></c><c r="B900000"><v>-4</v></c></row>'
    writeFileSync(file, xlsxFile(header + body))
    const r = await measured(['inspect', file])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('small.xlsx: XLSX, 2 rows, 2 columns')
    expect(r.stdout).toMatch(/y\s+number\s+0\s+0\s+-4\s+2\.5/)
    expect(r.peakMB).toBeLessThan(BASE_MB)
  })
})

describe('CSV injection', () => {
  it('slope predict escapes a header a spreadsheet would run; negative numbers stay numbers', async () => {
    const evil = "=cmd|' /C calc'!A0"
    const csv = join(dir, 'evil.csv')
    writeFileSync(csv, `"${evil}",y\n-1,-3\n2,3\n-3,-5\n4,9\n`)
    const model = join(dir, 'evil-model.json')
    expect((await runCli(['train', csv, '--target', 'y', '--solver', 'lstsq', '--no-db', '--out', model])).code).toBe(0)
    const out = join(dir, 'evil-pred.csv')
    const r = await runCli(['predict', model, csv, '--out', out])
    expect(r.code, r.stderr).toBe(0)
    const lines = readFileSync(out, 'utf8').split('\n')
    expect(lines[0]).toBe(`row,"'${evil}",y,predicted_y`)
    expect(lines[1]).toMatch(/^2,-1,-3,-[\d.]+$/)
  })
})
