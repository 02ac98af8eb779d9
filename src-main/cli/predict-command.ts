import { randomBytes } from 'node:crypto'
import { readFile, unlink } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { InputError } from '../../src-core/errors'
import { readModelDocument, type LoadedModel } from '../../src-core/model-file'
import { predictWithModel } from '../../src-core/model/predict-with-model'
import { intervalKinds, intervalModel, type IntervalKind } from '../../src-core/model/prediction-interval'
import { writeFileAtomic } from '../services/atomic-write'
import { predictionHeaderCsv, predictionRowsCsv } from '../linked/prediction-csv'
import type { StreamedPredictionSummary } from '../linked/prediction-file'
import { linkOrImport } from './link-or-import'
import { importFile } from '../services/import-file'
import { importOptionSpecs, importOptionsFrom, importOptionsUsage } from './import-options'
import { formatNumber } from './format'
import { UsageError } from './usage-error'

export const predictUsage = `Usage: slope predict MODEL.json FILE [--out PREDICTIONS.csv] [--interval confidence|prediction [--level 0.95]] [file options]

Apply a model exported by Slope to the rows of FILE. Writes CSV (to stdout without --out) with
the row number, the model's features, the target if FILE has it, and predicted_<target>.
A row with a missing feature cell gets an empty prediction, unless the model was trained with
--missing mean (then the training mean is filled in, as in training). Text columns the model was
trained on one-hot encoded (features "column=level") are encoded the same way; a value the model
never saw leaves that row without a prediction. A model trained with --formula builds its features
from FILE by its formula; for a transformed response (log(y) ~ …) a last column predicted_y takes
the prediction back to y's units (exp of a log: the median).

--interval confidence|prediction adds lower_<target> and upper_<target>: where the mean of the
target lies at that row (confidence), or one new observation (prediction), at --level (default 0.95;
Student t on the model's df_residual, its chosen covariance). Exact-fit (--solver lstsq) models only.

--out OUT.parquet writes Parquet instead of CSV. FILE may be a CSV or Parquet file or a quoted glob:
over the link threshold (1 GB or a quarter of the memory) or with --link it is read in chunks
through DuckDB and the predictions are written chunk by chunk; --import reads it into memory.

${importOptionsUsage}
`

export async function predictCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...importOptionSpecs, out: { type: 'string' }, link: { type: 'boolean' }, import: { type: 'boolean' }, interval: { type: 'string' }, level: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    process.stdout.write(predictUsage)
    return 0
  }
  if (positionals.length !== 2) throw new UsageError('slope predict needs MODEL.json and FILE.')
  const [modelPath, dataPath] = positionals as [string, string]
  let text: string
  try {
    text = await readFile(modelPath, 'utf8')
  } catch (e) {
    throw new InputError(`Cannot read the model file ${modelPath} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, 'Check the path.', { file: basename(modelPath) })
  }
  const model = readModelDocument(text, basename(modelPath))
  const kind = values.interval
  if (kind !== undefined && !(intervalKinds as readonly string[]).includes(kind)) throw new UsageError(`--interval must be confidence or prediction (got "${kind}").`)
  if (values.level !== undefined && kind === undefined) throw new UsageError('--level goes with --interval confidence|prediction.')
  const level = values.level === undefined ? 0.95 : Number(values.level)
  if (values.level !== undefined && !(level > 0 && level < 1)) throw new UsageError(`--level needs a number above 0 and below 1 (got "${values.level}").`)
  // Refused before the file is read: a gradient-descent model has no intervals.
  if (kind) intervalModel(model.document, level)
  const intervalOption = kind ? { kind: kind as IntervalKind, level } : undefined
  const out = values.out
  const toParquet = out !== undefined && /\.(parquet|pq)$/i.test(out)
  if (values.link && values.import) throw new UsageError('--link and --import contradict each other.')
  if ((await linkOrImport(dataPath, values.import === true, values.link === true)).link) return streamedPredict(model, dataPath, intervalOption, out)
  const file = await importFile(dataPath, importOptionsFrom(values))
  const result = predictWithModel(file, model, intervalOption)
  const csv = `${predictionHeaderCsv(model, result)}${predictionRowsCsv(model, result)}`
  if (out && toParquet) await writeParquetFromCsv(csv, out)
  else if (out) await writeFileAtomic(out, csv)
  else process.stdout.write(csv)

  const notes: string[] = [`predicted ${result.table.rowCount - result.missingRows} of ${result.table.rowCount} rows${out ? ` into ${out}` : ''}`]
  for (const u of result.unknownLevels) notes.push(`${u.rows} rows have a value of "${u.column}" the model was not trained on, and no prediction`)
  if (result.missingFeatureRows) notes.push(`${result.missingFeatureRows} rows have a missing feature cell and no prediction`)
  const m = result.metrics
  if (m) notes.push(`against "${model.target}" in the file: mse ${formatNumber(m.mse)}, rmse ${formatNumber(m.rmse)}, mae ${formatNumber(m.mae)}, r2 ${formatNumber(m.r2)}`)
  // Notes go to stderr so that stdout stays pure CSV when no --out is given.
  process.stderr.write(`${notes.join('\n')}\n`)
  return 0
}

/**
 * Streamed prediction over a linked file, chunk by chunk (prediction-file.ts): into `out` (a
 * temporary file renamed into place at the end, so a failure or Ctrl-C leaves no half file), or to
 * stdout without --out.
 */
async function streamedPredict(model: LoadedModel, pattern: string, interval: { kind: IntervalKind; level: number } | undefined, out: string | undefined): Promise<number> {
  // DuckDB loads only for linked input or Parquet output (its native module is slow to load).
  const { LinkedSource } = await import('../linked/linked-source')
  const { predictIntoFile, writePredictions } = await import('../linked/prediction-file')
  const source = await LinkedSource.open(resolve(pattern))
  const controller = new AbortController()
  const onSigint = () => controller.abort()
  process.once('SIGINT', onSigint)
  let summary: StreamedPredictionSummary
  try {
    const options = { interval, signal: controller.signal }
    summary = out
      ? await predictIntoFile(source, model, out, options)
      : await writePredictions(source, model, options, async (text) => {
          if (!process.stdout.write(text)) await new Promise((done) => process.stdout.once('drain', done))
        })
  } finally {
    process.off('SIGINT', onSigint)
    source.close()
  }
  const { rows, missingRows, missingFeatureRows, unknownLevels, metrics: m } = summary
  const notes: string[] = [`predicted ${rows - missingRows} of ${rows} rows${out ? ` into ${out}` : ''}`]
  for (const [column, n] of unknownLevels) notes.push(`${n} rows have a value of "${column}" the model was not trained on, and no prediction`)
  if (missingFeatureRows) notes.push(`${missingFeatureRows} rows have a missing feature cell and no prediction`)
  if (m) notes.push(`against "${model.target}" in the file: mse ${formatNumber(m.mse)}, rmse ${formatNumber(m.rmse)}, mae ${formatNumber(m.mae)}, r2 ${formatNumber(m.r2)}`)
  process.stderr.write(`${notes.join('\n')}\n`)
  return 0
}

/** The in-memory prediction's CSV as Parquet: written to a temporary CSV, copied by DuckDB (the same copy as the streamed path). */
async function writeParquetFromCsv(csv: string, out: string): Promise<void> {
  const temp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp.csv`)
  try {
    await writeFileAtomic(temp, csv)
    const { LinkedSource } = await import('../linked/linked-source')
    const { copyCsvToParquet } = await import('../linked/prediction-file')
    const source = await LinkedSource.open(temp)
    try {
      await copyCsvToParquet(source, temp, out)
    } finally {
      source.close()
    }
  } finally {
    await unlink(temp).catch(() => undefined)
  }
}
