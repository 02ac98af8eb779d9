import { parseArgs } from 'node:util'
import { designTable, trainingDesign } from '../../src-core/formula/design-matrix'
import { parseTrainConfig } from '../../src-core/train/config'
import { curvatureReport } from '../../src-core/train/learning-rates'
import { importFile } from '../services/import-file'
import { checkModelColumns, columnOptionSpecs, columnOptionsUsage, encodedTable, featuresFrom } from './column-options'
import { curvatureTable } from './curvature-text'
import { importOptionSpecs, importOptionsFrom, importOptionsUsage } from './import-options'
import { readSettingFlags, settingOptionSpecs, settingsUsage } from './setting-flags'
import { withFlag } from './train-command'
import { UsageError } from './usage-error'
import type { CliValues } from '../../src-core/train/settings'

export const lrUsage = () => `Usage: slope lr FILE --target COL [options]
       slope lr FILE --formula "y ~ x + I(x ^ 2)" [options]

Which learning rates converge, before training: the Hessian of the loss on the training rows
(prepared as slope train would: missing values, split, standardization, intercept) and what it
implies for full-batch SGD with the momentum given — the largest stable rate, the fastest
constant rate, Polyak's optimal rate and momentum, the contraction per epoch and the epochs to
1e-6 at --lr. Adam, AdamW, RMSprop and Adagrad get the curvature but no rate (see
docs/learning-rates.md). Takes the options of slope train; --json prints exact.curvature's document.

${importOptionsUsage}

${columnOptionsUsage}
  --formula "y ~ …"        the model as a formula (README "Formulas"): the Hessian of its expanded
                           design, as slope train --formula trains it

${settingsUsage()}

Output
  --json                   print one JSON document instead of the table
`

export async function lrCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...importOptionSpecs, ...settingOptionSpecs(), ...columnOptionSpecs, formula: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    process.stdout.write(lrUsage())
    return 0
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'slope lr needs a FILE.' : `slope lr takes one FILE, got ${positionals.length}.`)
  checkModelColumns('lr', values)
  const input = readSettingFlags(values as CliValues)
  if (values.formula !== undefined && input.intercept === false) throw new UsageError('--formula says whether there is an intercept: write - 1 (or + 0) in the formula instead of --no-intercept.')
  let config = withFlag(() => parseTrainConfig(input))
  const features = featuresFrom(values)
  const file = await importFile(positionals[0]!, importOptionsFrom(values))
  let table = encodedTable(file, values).table
  let target = values.target!
  let columns: string[] | undefined = features.length ? features : undefined
  if (values.formula !== undefined) {
    // The expanded design, exactly as slope train --formula and the app's training.curvature see it.
    const design = trainingDesign(values.formula, file, config)
    table = designTable(design, file.table.source)
    target = design.response!.name
    columns = design.columns.map((c) => c.name)
    config = withFlag(() => parseTrainConfig({ ...input, intercept: design.intercept }))
  }
  // The command line may take its time: no work limit, unlike the app's request.
  const report = curvatureReport(table, target, columns, config, Infinity)
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${file.fileName}: "${values.formula ?? target}", ${config.optimizer} at lr ${config.learningRate}${config.batchSize === null ? '' : `, batches of ${config.batchSize}`}\n\n${curvatureTable(report)}\n`)
  return 0
}
