import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { FILE_OPTIONS } from './format-reader'
import { acceptedExtensions, formatKinds, formatListSentence, formatReaders, optionScope, readerOf } from './registry'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const read = (file: string) => readFileSync(join(root, file), 'utf8')

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|vue)$/.test(e.name) && !e.name.endsWith('.test.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
}

describe('the format registry is the one list of formats', () => {
  it('declares each format id once, and every reader can be found by the ids it detects', () => {
    const ids = formatReaders.flatMap((r) => [...r.formats])
    expect(ids).toEqual(['csv', 'xlsx', 'xls', 'ods', 'parquet'])
    for (const reader of formatReaders) for (const f of reader.formats) expect(readerOf(f)).toBe(reader)
    expect(formatReaders.filter((r) => 'fallback' in r && r.fallback)).toHaveLength(1) // text: exactly one reader has no magic number
  })

  it('derives the lists people see', () => {
    expect(formatKinds()).toEqual(['CSV', 'TSV', 'XLSX', 'XLS', 'ODS', 'Parquet'])
    expect(formatListSentence()).toBe('CSV, TSV, XLSX, XLS, ODS, or Parquet')
    expect(formatListSentence('zh-CN')).toBe('CSV、TSV、XLSX、XLS、ODS或Parquet')
    expect(acceptedExtensions().split(',')).toEqual(formatReaders.flatMap((r) => [...r.extensions]))
    expect(acceptedExtensions().split(',')).toEqual(expect.arrayContaining(['.csv', '.tsv', '.xlsx', '.xlsm', '.xls', '.ods', '.parquet']))
    expect(optionScope('sheet')).toBe('workbooks (XLSX, XLS, ODS)')
    for (const option of FILE_OPTIONS) expect(optionScope(option), option).not.toBe('')
  })

  it('both file inputs that import a table take `accept` from the registry (the same constant)', () => {
    const client = read('src-renderer/src/import/parse-client.ts')
    expect(client).toMatch(/export const fileInputAccept = acceptedExtensions\(\)/)
    for (const [file, testid] of [
      ['src-renderer/src/components/DataSource.vue', 'file-input'],
      ['src-renderer/src/components/PredictPanel.vue', 'predict-file-input'],
    ] as const) {
      const input = read(file).match(new RegExp(`<input[^>]*data-testid="${testid}"[^>]*>`))?.[0] ?? ''
      expect(input, file).toContain(':accept="fileInputAccept"')
    }
  })

  it('no hard-coded format list is left in main, renderer or the CLI', () => {
    // Lists of formats, of extensions, or the accept attribute spelled out: each belongs to the registry.
    const patterns = [/\bXLSX, XLS\b/, /\bCSV, TSV\b/, /CSV、TSV/, /XLSX、XLS/, /accept="\.csv/, /'\.xlsx'/, /\.xlsx,\.xls/]
    const files = [...sources('src-main'), ...sources('src-renderer')]
    expect(files).toContain('src-renderer/src/components/DataSource.vue')
    const offenders = files.flatMap((file) => {
      const text = read(file)
      return patterns.filter((p) => p.test(text)).map((p) => `${file}: ${p}`)
    })
    expect(offenders).toEqual([])
  })
})
