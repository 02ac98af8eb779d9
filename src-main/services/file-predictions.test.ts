import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { describe, expect, it } from 'vitest'
import type { DatasetSummary, PredictFileResult } from '../../src-core/contract'
import { runCli } from '../testing/run-cli'
import { appConnections, errorOf, valueOf } from '../testing/app-connection'

/**
 * models.predictFile (file-predictions.ts): the app's "Predict a file" writes what `slope predict
 * MODEL FILE --out OUT` writes for the same model and file — the CLI (the real command, in a child
 * process) is the reference, byte for byte for CSV, value for value for Parquet.
 */

const { dir, connection } = appConnections('slope-predict-file-')

/** 20,000 rows (more than one scan chunk) of y = 1 + 2·a − 3·b + noise; with gaps, every 1000th row's a is empty (20 rows). */
function writeData(path: string, gaps: boolean): void {
  const lines = ['a,b,y']
  let s = 12345
  const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5
  for (let i = 0; i < 20_000; i++) {
    const a = (i % 97) / 10
    const b = r() * 4
    lines.push(`${gaps && i % 1000 === 7 ? '' : a},${b},${1 + 2 * a - 3 * b + r() * 0.1}`)
  }
  writeFileSync(path, lines.join('\n') + '\n')
}

async function parquetRows(path: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  const reader = await c.runAndReadAll(`SELECT * FROM read_parquet('${path}') ORDER BY "row"`)
  const rows = reader.getRowsJS()
  c.closeSync()
  instance.closeSync()
  return rows as unknown[][]
}

describe('models.predictFile: a model over a file, streamed into a new file in a worker', () => {
  const training = join(dir, 'training.csv')
  const data = join(dir, 'new-rows.csv')
  const model = join(dir, 'model.json')

  it('writes the CSV slope predict --out writes, byte for byte, and answers its rows and metrics', async () => {
    writeData(training, false)
    writeData(data, true)
    const train = await runCli(['train', training, '--target', 'y', '--solver', 'lstsq', '--no-db', '--out', model])
    expect(train.code, train.stderr).toBe(0)
    const reference = join(dir, 'reference.csv')
    const predict = await runCli(['predict', model, data, '--link', '--out', reference])
    expect(predict.code, predict.stderr).toBe(0)

    const c = connection()
    const out = join(dir, 'app.csv')
    const result = valueOf<PredictFileResult>(await c.call('models.predictFile', { modelJson: readFileSync(model, 'utf8'), pattern: data, out }))
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(reference, 'utf8'))
    expect(result).toMatchObject({ out, rows: 20_000, missingRows: 20 })
    // The CLI's stderr line carries the same metrics.
    expect(predict.stderr).toContain(`predicted ${20_000 - 20} of 20000 rows`)
    // Its metrics are those of the written rows: y against predicted_y where there is a prediction.
    const written = readFileSync(reference, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','))
    const pairs = written.filter((cells) => cells[4] !== '').map((cells) => [Number(cells[3]), Number(cells[4])] as const)
    const mse = pairs.reduce((sum, [y, p]) => sum + (p - y) ** 2, 0) / pairs.length
    expect(pairs.length).toBe(20_000 - 20)
    expect(Math.abs(result.metrics!.mse - mse)).toBeLessThanOrEqual(1e-12 * mse)
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]) // no temporary file left
    expect(c.logged).toEqual([])
  })

  it('writes Parquet with the CSV’s values, for a stored run’s model (runId)', async () => {
    const c = connection()
    const link = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: training }))
    const { runId } = valueOf<{ runId: number }>(await c.call('training.start', { datasetId: link.id, target: 'y', features: ['a', 'b'], config: { solver: 'lstsq' } }))
    const finished = await c.services.training.waitFor(runId)
    expect(finished.status, finished.error ?? '').toBe('completed')
    const exported = join(dir, 'run-model.json')
    writeFileSync(exported, valueOf<{ json: string }>(await c.call('models.export', runId)).json)
    const reference = join(dir, 'run-reference.csv')
    expect((await runCli(['predict', exported, data, '--link', '--out', reference])).code).toBe(0)

    const out = join(dir, 'app.parquet')
    valueOf<PredictFileResult>(await c.call('models.predictFile', { runId, pattern: data, out }))
    const lines = readFileSync(reference, 'utf8').trim().split('\n')
    const rows = await parquetRows(out)
    expect(rows.length).toBe(lines.length - 1)
    for (const [i, line] of lines.slice(1).entries()) {
      const cells = line.split(',').map((v) => (v === '' ? null : Number(v)))
      expect(rows[i]!.map((v) => (v === null ? null : Number(v))), `row ${i + 1}`).toEqual(cells)
    }
  })

  it('refuses, with a sentence, an output that exists, a folder that does not, and a name that is neither .csv nor .parquet', async () => {
    const c = connection()
    const modelJson = readFileSync(model, 'utf8')
    const exists = errorOf(await c.call('models.predictFile', { modelJson, pattern: data, out: data }))
    expect(exists).toMatchObject({ inputError: true, message: `"${data}" already exists, and Slope does not overwrite files.` })
    const noFolder = errorOf(await c.call('models.predictFile', { modelJson, pattern: data, out: join(dir, 'nowhere', 'p.csv') }))
    expect(noFolder.message).toBe(`The folder "${join(dir, 'nowhere')}" does not exist.`)
    const badName = errorOf(await c.call('models.predictFile', { modelJson, pattern: data, out: join(dir, 'p.txt') }))
    expect(badName.message).toBe('The output file "p.txt" must end in .csv or .parquet.')
    const noInput = errorOf(await c.call('models.predictFile', { modelJson, pattern: join(dir, 'missing.csv'), out: join(dir, 'p.csv') }))
    expect(noInput.inputError).toBe(true)
    expect(noInput.message).toContain('missing.csv')
    expect(existsSync(join(dir, 'p.csv'))).toBe(false)
    expect(c.logged).toEqual([])
  })

  it('stops a prediction on models.cancelPredictFile: the cancelled sentence, no file, no temporary file', async () => {
    const c = connection()
    const modelJson = readFileSync(model, 'utf8')
    const out = join(dir, 'stopped.csv')
    expect(valueOf(await c.call('models.cancelPredictFile', { out }))).toEqual({ cancelled: false }) // nothing writes it yet
    const pending = c.call('models.predictFile', { modelJson, pattern: data, out })
    // The job exists once the output is checked (a few ms): cancel as soon as it does.
    let cancelled = false
    for (let tries = 0; !cancelled && tries < 2000; tries++) {
      cancelled = valueOf<{ cancelled: boolean }>(await c.call('models.cancelPredictFile', { out })).cancelled
      if (!cancelled) await new Promise((r) => setTimeout(r, 2))
    }
    expect(cancelled).toBe(true)
    const stopped = errorOf(await pending)
    expect(stopped).toMatchObject({ inputError: true, message: `Prediction stopped (cancelled); nothing was written to "${out}".` })
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([])
    expect(valueOf(await c.call('models.cancelPredictFile', { out }))).toEqual({ cancelled: false }) // it has ended
    // The same file can then be predicted.
    valueOf<PredictFileResult>(await c.call('models.predictFile', { modelJson, pattern: data, out }))
    expect(existsSync(out)).toBe(true)
    expect(c.logged).toEqual([])
  })
})
