import * as XLSX from '@e965/xlsx'
import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../src-core/contract'
import { ExportCancelled, metricsHeader } from './export-csv'
import { buildXlsx, metricsXlsx, predictionXlsx } from './export-xlsx'

/** The workbook read back as SheetJS sees it: sheet names, and each cell's type and value by address. */
function readBack(bytes: Uint8Array) {
  const book = XLSX.read(bytes, { type: 'array' })
  const sheet = book.Sheets[book.SheetNames[0]!]!
  const cell = (address: string) => {
    const c = sheet[address] as XLSX.CellObject | undefined
    return c ? { t: c.t, v: c.v } : undefined
  }
  return { names: book.SheetNames, cell, range: sheet['!ref'] }
}

describe('XLSX files', () => {
  it('predictions: a header row, numbers as numeric cells with every digit, a missing value as no cell', async () => {
    const bytes = await predictionXlsx({
      target: 'y',
      features: ['x', '地区=北京'],
      rowNumber: (i) => i + 2,
      featureColumns: [Float64Array.of(0.1 + 0.2, NaN), Float64Array.of(1, 0)],
      actual: Float64Array.of(3, 4),
      predicted: Float64Array.of(1 / 3, NaN),
    })
    expect([...bytes.subarray(0, 2)]).toEqual([0x50, 0x4b]) // a zip, as XLSX files are
    const { names, cell, range } = readBack(bytes)
    expect(names).toEqual(['predictions'])
    expect(range).toBe('A1:E3')
    expect(['A1', 'B1', 'C1', 'D1', 'E1'].map((a) => cell(a))).toEqual(['row', 'x', '地区=北京', 'y', 'predicted_y'].map((v) => ({ t: 's', v })))
    expect(cell('A2')).toEqual({ t: 'n', v: 2 })
    expect(cell('B2')).toEqual({ t: 'n', v: 0.30000000000000004 })
    expect(cell('E2')).toEqual({ t: 'n', v: 1 / 3 })
    expect(cell('B3')).toBeUndefined()
    expect(cell('E3')).toBeUndefined()
    expect(cell('C3')).toEqual({ t: 'n', v: 0 })
  })

  it('text that a spreadsheet would run stays plain text (no formula cell, no quote added); infinities are text', async () => {
    const bytes = await buildXlsx('s', ['a', 'b'], 1, () => ['=1+1', -Infinity])
    const { cell } = readBack(bytes)
    expect(cell('A2')).toEqual({ t: 's', v: '=1+1' })
    expect(cell('B2')).toEqual({ t: 's', v: '-Infinity' })
    const book = XLSX.read(bytes, { type: 'array', cellFormula: true })
    expect((book.Sheets.s!.A2 as XLSX.CellObject).f).toBeUndefined()
  })

  it('metrics: sheet "metrics", the CSV’s header, one row per run', async () => {
    const run = { id: 7, name: '学习率 0.1', status: 'completed', datasetName: 'tutorial', target: 'y', features: ['x'], solver: 'gd', optimizer: 'sgd', learningRate: 0.01, epochs: 50, epochsRun: 50, divergedAt: null, finalLoss: 0.2182507, bestLoss: 0.2182507, finalValLoss: null, trainMs: 1.5, createdAt: '2026-11-25T10:00:00.000Z', finishedAt: null } as unknown as RunSummary
    const { names, cell, range } = readBack(await metricsXlsx([{ run, outcome: null }]))
    expect(names).toEqual(['metrics'])
    expect(range).toBe(`A1:${XLSX.utils.encode_col(metricsHeader.length - 1)}2`)
    expect(cell('A1')).toEqual({ t: 's', v: 'id' })
    expect(cell('A2')).toEqual({ t: 'n', v: 7 })
    expect(cell('B2')).toEqual({ t: 's', v: '学习率 0.1' })
    expect(cell(`${XLSX.utils.encode_col(metricsHeader.indexOf('final_loss'))}2`)).toEqual({ t: 'n', v: 0.2182507 })
  })

  it('rows are added in chunks with progress; cancelling stops between them; too many rows for a sheet is refused', async () => {
    const seen: number[] = []
    const bytes = await buildXlsx('s', ['i'], 25, (i) => [i * 0.5], { rowsPerChunk: 10, onProgress: (done) => seen.push(done), yieldToLoop: async () => {} })
    expect(seen).toEqual([10, 20, 25])
    expect(readBack(bytes).cell('A26')).toEqual({ t: 'n', v: 12 })
    const controller = new AbortController()
    await expect(buildXlsx('s', ['i'], 25, (i) => [i], { rowsPerChunk: 10, signal: controller.signal, onProgress: () => controller.abort(), yieldToLoop: async () => {} })).rejects.toBeInstanceOf(ExportCancelled)
    await expect(buildXlsx('s', ['i'], 1_048_576, (i) => [i])).rejects.toThrow('1,048,576 rows do not fit in an XLSX sheet')
  })
})
