import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import Papa from 'papaparse'
import { InputError } from '../../src-core/errors'
import { readModelDocument } from '../../src-core/model-file'
import { predictWithModel } from '../../src-core/model/predict-with-model'
import { intervalKinds, intervalModel, type IntervalKind } from '../../src-core/model/prediction-interval'
import { CSV_FORMULA_START } from '../../src-core/table/csv-formula'
import { writeFileAtomic } from '../services/atomic-write'
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

${importOptionsUsage}
`

export async function predictCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...importOptionSpecs, out: { type: 'string' }, interval: { type: 'string' }, level: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  const file = await importFile(dataPath, importOptionsFrom(values))
  const result = predictWithModel(file, model, kind ? { kind: kind as IntervalKind, level } : undefined)
  const intervals = result.interval
  const table = result.table

  const back = result.backTransformed
  const header = [
    'row',
    ...model.features,
    ...(result.actual ? [model.target] : []),
    `predicted_${model.target}`,
    ...(intervals ? [`lower_${model.target}`, `upper_${model.target}`] : []),
    ...(back ? [`predicted_${back.column}`] : []),
  ]
  const featureColumns = model.features.map((f) => table.column(f))
  const rows: (string | number)[][] = []
  for (let i = 0; i < table.rowCount; i++) {
    const cells: (string | number)[] = [table.rowNumber(i)]
    for (const c of featureColumns) cells.push(cellOut(c[i]!))
    if (result.actual) cells.push(cellOut(result.actual[i]!))
    cells.push(cellOut(result.predicted[i]!))
    if (intervals) cells.push(cellOut(intervals.lower[i]!), cellOut(intervals.upper[i]!))
    if (back) cells.push(cellOut(back.predicted[i]!))
    rows.push(cells)
  }
  // Headers come from the user's file: one named `=cmd|' /C calc'!A0` must not run in a spreadsheet.
  const csv = `${Papa.unparse({ fields: header, data: rows }, { newline: '\n', escapeFormulae: CSV_FORMULA_START })}\n`
  if (values.out) await writeFileAtomic(values.out, csv)
  else process.stdout.write(csv)

  const notes: string[] = [`predicted ${table.rowCount - result.missingRows} of ${table.rowCount} rows${values.out ? ` into ${values.out}` : ''}`]
  for (const u of result.unknownLevels) notes.push(`${u.rows} rows have a value of "${u.column}" the model was not trained on, and no prediction`)
  if (result.missingFeatureRows) notes.push(`${result.missingFeatureRows} rows have a missing feature cell and no prediction`)
  const m = result.metrics
  if (m) notes.push(`against "${model.target}" in the file: mse ${formatNumber(m.mse)}, rmse ${formatNumber(m.rmse)}, mae ${formatNumber(m.mae)}, r2 ${formatNumber(m.r2)}`)
  // Notes go to stderr so that stdout stays pure CSV when no --out is given.
  process.stderr.write(`${notes.join('\n')}\n`)
  return 0
}

function cellOut(x: number): string | number {
  return Number.isNaN(x) ? '' : x
}
