import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../src-core/contract'
import { buildCsvParts, csvLines, csvNumber, csvWritesBom, encodeCsvParts, ExportCancelled, historyCsvParts, metricsCsv, metricsHeader, predictionCsvParts } from './export-csv'

const CRLF = '\r\n'

function run(over: Partial<RunSummary>): RunSummary {
  return {
    id: 1,
    name: 'run',
    datasetId: 1,
    datasetName: 'tutorial',
    groupId: null,
    target: 'y',
    features: ['x'],
    status: 'completed',
    paused: false,
    solver: 'gd',
    optimizer: 'sgd',
    learningRate: 0.01,
    backend: 'cpu',
    epochs: 50,
    epochsRun: 50,
    divergedAt: null,
    finalLoss: 0.2182507,
    bestLoss: 0.2182507,
    finalValLoss: null,
    trainMs: 1.5,
    createdAt: '2026-11-25T10:00:00.000Z',
    startedAt: '2026-11-25T10:00:00.010Z',
    finishedAt: '2026-11-25T10:00:00.020Z',
    starred: false,
    tags: [],
    notes: '',
    error: null,
    ...over,
  }
}

/** A double from 64 random bits (every exponent and mantissa pattern is reachable). */
function randomDouble(view: DataView): number {
  view.setUint32(0, (Math.random() * 2 ** 32) >>> 0)
  view.setUint32(4, (Math.random() * 2 ** 32) >>> 0)
  return view.getFloat64(0)
}

describe('numbers in CSV cells', () => {
  it('a missing value is an empty cell; infinities are written as JavaScript and Python read them', () => {
    expect(csvNumber(NaN)).toBe('')
    expect(csvNumber(null)).toBe('')
    expect(csvNumber(undefined)).toBe('')
    expect(csvNumber(Infinity)).toBe('Infinity')
    expect(csvNumber(-Infinity)).toBe('-Infinity')
    expect(csvNumber(0.1 + 0.2)).toBe('0.30000000000000004')
  })

  it('every finite double reads back bit for bit, the extremes included', () => {
    const view = new DataView(new ArrayBuffer(8))
    const values = [5e-324, -5e-324, Number.MAX_VALUE, Number.MIN_VALUE, 2.2250738585072014e-308, 1 / 3, 5.9467032, 123456789012345680000]
    while (values.length < 20_000) {
      const x = randomDouble(view)
      if (Number.isFinite(x)) values.push(x)
    }
    for (const x of values) expect(Number(csvNumber(x))).toBe(x)
  })

  it('round trip through a whole CSV: papaparse reads back the same doubles', () => {
    const view = new DataView(new ArrayBuffer(8))
    const rows = Array.from({ length: 500 }, () => [randomDouble(view), randomDouble(view)].map((x) => (Number.isFinite(x) ? x : 1)))
    const text = csvLines(rows, ['a', 'b'])
    const parsed = Papa.parse<string[]>(text.trimEnd(), { newline: CRLF }).data
    expect(parsed[0]).toEqual(['a', 'b'])
    expect(parsed.slice(1).map((r) => r.map(Number))).toEqual(rows)
  })
})

describe('metrics CSV, one row per run', () => {
  it('quotes names with commas, quotes and line breaks (RFC 4180) and keeps Chinese names as they are', () => {
    const text = metricsCsv([
      { run: run({ id: 3, name: 'lr 0.1, "fast"\nsecond line', features: ['x'] }), outcome: { metrics: { train: { mse: 0.25, rmse: 0.5, mae: 0.4, r2: 0.6 }, validation: null } } },
      {
        run: run({ id: 4, name: '学习率 0.1，试验', datasetName: '销售', target: '销售额', features: ['广告费', '城市=北京'], solver: 'lstsq', epochsRun: 0, finalLoss: null, bestLoss: null, trainMs: null, finishedAt: null }),
        outcome: null,
      },
    ])
    const lines = text.split(CRLF)
    expect(lines[0]).toBe(metricsHeader.join(','))
    // by hand: the first name quoted, its quotes doubled, its line break kept inside the quotes
    expect(text).toContain(
      `${CRLF}3,"lr 0.1, ""fast""\nsecond line",completed,tutorial,y,x,gd,sgd,0.01,50,50,,0.2182507,0.2182507,,0.25,0.5,0.4,0.6,,,,,1.5,2026-11-25T10:00:00.000Z,2026-11-25T10:00:00.020Z${CRLF}`,
    )
    // lstsq: no optimizer or learning rate; not finished: no metrics, empty cells
    expect(text.endsWith(`${CRLF}4,学习率 0.1，试验,completed,销售,销售额,广告费; 城市=北京,lstsq,,,50,0,,,,,,,,,,,,,,2026-11-25T10:00:00.000Z,${CRLF}`)).toBe(true)
    // and a CSV reader gives the names back exactly
    const parsed = Papa.parse<string[]>(text.trimEnd(), { newline: CRLF }).data
    expect(parsed.map((r) => r[1])).toEqual(['name', 'lr 0.1, "fast"\nsecond line', '学习率 0.1，试验'])
    expect(parsed.every((r) => r.length === metricsHeader.length)).toBe(true)
  })

  it('a name starting or ending with a space is quoted so readers keep the space', () => {
    expect(csvLines([[' padded ', 1]], ['name', 'v'])).toBe(`name,v${CRLF}" padded ",1${CRLF}`)
  })
})

describe('loss history CSV', () => {
  it('epoch from 0, one loss column per run (and validation where the run has it), empty below a shorter run', async () => {
    const parts = await historyCsvParts([
      { id: 1, name: 'a', loss: Float64Array.of(5.9467032, 0.3378181, 0.25), valLoss: null, length: 3 },
      { id: 2, name: 'b, "c"', loss: Float64Array.of(4, NaN, 99), valLoss: Float64Array.of(4.5, Infinity, 99), length: 2 },
    ])
    expect(parts.join('')).toBe(
      ['epoch,loss #1 a,"loss #2 b, ""c""","val_loss #2 b, ""c"""', '0,5.9467032,4,4.5', '1,0.3378181,,Infinity', '2,0.25,,', ''].join(CRLF),
    )
  })

  it('a million epochs are built in chunks with progress, yielding between them, and give epochs + 1 lines', async () => {
    const n = 1_000_003
    const loss = Float64Array.from({ length: n }, (_, i) => 1 / (i + 1))
    const progress: number[] = []
    let yields = 0
    const parts = await historyCsvParts([{ id: 7, name: 'long', loss, valLoss: null, length: n }], {
      rowsPerChunk: 100_000,
      onProgress: (done, total) => {
        expect(total).toBe(n)
        progress.push(done)
      },
      yieldToLoop: async () => {
        yields++
      },
    })
    expect(progress).toEqual([...Array.from({ length: 10 }, (_, i) => (i + 1) * 100_000), n])
    expect(yields).toBe(10) // between chunks, not after the last
    const text = parts.join('')
    const lines = text.split(CRLF)
    expect(lines.length - 1).toBe(n + 1) // header + one line per epoch (and the final line end)
    expect(lines[1]).toBe('0,1')
    expect(lines[n]).toBe(`${n - 1},${1 / n}`)
    expect(Number(lines[123_457]!.split(',')[1])).toBe(1 / 123_457)
  })

  it('cancelling stops between chunks', async () => {
    const controller = new AbortController()
    let chunks = 0
    const promise = buildCsvParts(['epoch'], 1_000_000, (i) => [i], {
      rowsPerChunk: 1000,
      signal: controller.signal,
      onProgress: () => {
        if (++chunks === 3) controller.abort()
      },
      yieldToLoop: async () => {},
    })
    await expect(promise).rejects.toBeInstanceOf(ExportCancelled)
    expect(chunks).toBe(3)
  })

  it('yields to the event loop for real: a timer set before the export runs before it finishes', async () => {
    let timerRan = false
    let timerRanBeforeEnd = false
    setTimeout(() => (timerRan = true), 0)
    await buildCsvParts(['epoch'], 50_000, (i) => [i], {
      rowsPerChunk: 10_000,
      onProgress: (done, total) => {
        if (done === total) timerRanBeforeEnd = timerRan
      },
    })
    expect(timerRanBeforeEnd).toBe(true)
  })
})

describe('predictions CSV', () => {
  it('has the columns of slope predict: row, features, target if present, predicted_<target>; missing cells empty', async () => {
    const parts = await predictionCsvParts({
      target: 'y',
      features: ['x', '温度'],
      rowNumber: (i) => i + 2,
      featureColumns: [Float64Array.of(1, NaN), Float64Array.of(0.5, 2)],
      actual: Float64Array.of(3, NaN),
      predicted: Float64Array.of(2.75, NaN),
    })
    expect(parts.join('')).toBe(['row,x,温度,y,predicted_y', '2,1,0.5,3,2.75', '3,,2,,', ''].join(CRLF))
  })

  it('without the target in the file there is no target column', async () => {
    const parts = await predictionCsvParts({ target: 'y', features: ['x'], rowNumber: (i) => i + 5, featureColumns: [Float64Array.of(2)], actual: null, predicted: Float64Array.of(0.1 + 0.2) })
    expect(parts.join('')).toBe(`row,x,predicted_y${CRLF}5,2,0.30000000000000004${CRLF}`)
  })
})

describe('CSV injection (OWASP): text that a spreadsheet would run is quoted, numbers stay numbers', () => {
  it('headers and text cells beginning with = + - @ tab or CR get a leading single quote', async () => {
    const evil = "=cmd|' /C calc'!A0"
    const parts = await predictionCsvParts({
      target: 'y',
      features: [evil, '+x', '@sum', '-a', '\tb', '\rc', 'plain'],
      rowNumber: (i) => i + 2,
      featureColumns: [[-1.5], [2], [-3e-7], [-Infinity], [0], [NaN], [-0.25]],
      actual: [-4],
      predicted: [-5.5],
    })
    const [header, row] = Papa.parse<string[]>(parts.join(''), { newline: CRLF }).data
    expect(header).toEqual(['row', "'=cmd|' /C calc'!A0", "'+x", "'@sum", "'-a", "'\tb", "'\rc", 'plain', 'y', 'predicted_y'])
    expect(row).toEqual(['2', '-1.5', '2', '-3e-7', '-Infinity', '0', '', '-0.25', '-4', '-5.5'])
  })

  it('run names and dataset names in the metrics CSV are escaped too', () => {
    const csv = metricsCsv([{ run: run({ name: '=HYPERLINK("http://x")', datasetName: '-data', learningRate: 0.5 }), outcome: null }])
    const [, row] = Papa.parse<string[]>(csv, { newline: CRLF }).data
    expect(row!.slice(0, 4)).toEqual(['1', '\'=HYPERLINK("http://x")', 'completed', "'-data"])
    expect(csvLines([[-1, '=1+1', '-x\ny']])).toBe(`-1,"'=1+1","'-x\ny"${CRLF}`)
  })
})

describe('CSV for Excel: UTF-8 with a byte-order mark', () => {
  it('auto writes the BOM exactly when a header is not ASCII; the explicit choices always or never', () => {
    expect(csvWritesBom(['row', 'x', 'predicted_y'], 'auto')).toBe(false)
    expect(csvWritesBom(['row', '地区=北京'], 'auto')).toBe(true)
    expect(csvWritesBom(['loss #1 café'], 'auto')).toBe(true)
    expect(csvWritesBom(['地区'], 'utf8')).toBe(false)
    expect(csvWritesBom(['x'], 'utf8-bom')).toBe(true)
  })

  it('the saved bytes start with EF BB BF, then the CSV unchanged', async () => {
    const header = ['row', '地区=北京', 'predicted_y']
    const parts = encodeCsvParts(csvLines([[2, 1, 0.5]], header).split(/(?<=\r\n)/), header, 'auto')
    const bytes = new Uint8Array(await new Blob(parts).arrayBuffer())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(`\uFEFFrow,地区=北京,predicted_y${CRLF}2,1,0.5${CRLF}`)
    const plain = new Uint8Array(await new Blob(encodeCsvParts(['x\r\n'], ['x'], 'auto')).arrayBuffer())
    expect([...plain]).toEqual([0x78, 0x0d, 0x0a])
  })
})
