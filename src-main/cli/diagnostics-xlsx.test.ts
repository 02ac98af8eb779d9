import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as XLSX from '@e965/xlsx'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing/run-cli'

const longley = 'resources/examples/longley.csv'
const tmp = mkdtempSync(join(tmpdir(), 'slope-diagnostics-xlsx-'))

describe('slope train --solver lstsq --diagnostics OUT.xlsx', () => {
  it('writes the CSV’s columns as one sheet, numbers as numbers to full precision', async () => {
    const csvPath = join(tmp, 'd.csv')
    const xlsxPath = join(tmp, 'd.xlsx')
    for (const out of [csvPath, xlsxPath]) {
      const r = await runCli(['train', longley, '--target', 'employment', '--solver', 'lstsq', '--no-db', '--diagnostics', out, '--dfbetas'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain(`per-row diagnostics written to ${out}`)
    }
    const csv = Papa.parse<string[]>(readFileSync(csvPath, 'utf8'), { skipEmptyLines: true }).data
    const book = XLSX.read(readFileSync(xlsxPath))
    expect(book.SheetNames).toEqual(['diagnostics'])
    const sheet = XLSX.utils.sheet_to_json<(string | number | null)[]>(book.Sheets.diagnostics!, { header: 1, defval: null, raw: true })
    expect(sheet[0]).toEqual(csv[0])
    expect(sheet).toHaveLength(csv.length)
    const flags = csv[0]!.indexOf('flags')
    for (let i = 1; i < csv.length; i++) {
      csv[i]!.forEach((cell, j) => {
        const x = sheet[i]![j]
        if (j === flags) expect(x ?? '').toBe(cell)
        else {
          expect(typeof x).toBe('number') // a number cell, not text
          expect(x).toBe(Number(cell)) // the same double as the CSV's shortest round-trip text
        }
      })
    }
    expect(csv.length).toBe(17)
  })

  it('refuses another extension with the two it writes', async () => {
    const r = await runCli(['train', longley, '--target', 'employment', '--solver', 'lstsq', '--no-db', '--diagnostics', join(tmp, 'd.ods')])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('name the file OUT.csv or OUT.xlsx')
  })
})
