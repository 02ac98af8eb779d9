import { parseArgs } from 'node:util'
import { InputError, isInputError } from '../../src-core/errors'
import type { RunDetail } from '../../src-core/contract'
import { importInfoOf, tableToUpload } from '../../src-core/dataset-upload'
import { INTERCEPT_KEY } from '../../src-core/model-file'
import type { CoefficientStats } from '../../src-core/model/least-squares'
import type { ExactFitStatistics, RegressionReport } from '../../src-core/model/regression-report'
import { describeReading, reportReadings } from '../../src-core/model/report-readings'
import { parseTrainConfig } from '../../src-core/train/config'
import { settingFlag, settings, type CliValues, type SettingName } from '../../src-core/train/settings'
import { describeFinding, diagnoseRun } from '../../src-core/train/diagnosis'
import { formatFactor } from '../../src-core/train/diagnosis-messages'
import { curvatureSentence } from './curvature-text'
import { openServices } from '../services/app-services'
import { writeFileAtomic } from '../services/atomic-write'
import { importFile } from '../services/import-file'
import { defaultDatabasePath } from '../services/paths'
import { sourceTrainWorker } from '../services/train-worker'
import type { OneHotEncoding } from '../../src-core/table/one-hot'
import { checkModelColumns, columnOptionSpecs, columnOptionsUsage, encodedTable, featuresFrom } from './column-options'
import { designTable, trainingDesign, type FormulaDesign } from '../../src-core/formula/design-matrix'
import { formatListSentence } from '../../src-core/table/formats/registry'
import { importOptionSpecs, importOptionsFrom, importOptionsUsage } from './import-options'
import { integerOption } from './options'
import { readSettingFlags, settingOptionSpecs, settingsUsage } from './setting-flags'
import { UsageError } from './usage-error'
import { linkOrImport } from './link-or-import'
import { formatNumber, formatModelEquation } from './format'
import { formatTextTable } from './text-table'
import type { TrainConfig } from '../../src-core/train/config'
import type { Table } from '../../src-core/table/table'
import { CSV_FORMULA_START } from '../../src-core/table/csv-formula'

export const trainUsage = () => `Usage: slope train FILE --target COL [options]
       slope train FILE --formula "y ~ x + I(x ^ 2)" [options]

Fit y = w·x + b to the columns of FILE (${formatListSentence()}; see slope inspect FILE).

${importOptionsUsage}

${columnOptionsUsage}
  --formula "y ~ …"        the model as a formula (README "Formulas"): transformations, poly(x, k),
                           interactions a:b and a*b, factors C(col, Treatment("level")), - 1;
                           instead of --target/--features (their shorthand: target ~ f1 + f2 + …)

${settingsUsage()}

Storage
  --db PATH                database the run is saved to as it trains (default: $SLOPE_DB or the
                           app's database, see slope --help)
  --name NAME              the run's name in the database (default: optimizer and learning rate)
  --no-db                  keep nothing: train without saving the run

Output
  --out MODEL.json         write the fitted model
  --diagnostics OUT.csv    with --solver lstsq: one row per training row — spreadsheet row, fitted,
                           residual, leverage, studentized (internal, external), Cook's D, DFFITS,
                           and the thresholds it exceeds (see README "Per-row diagnostics");
                           OUT.xlsx writes the same columns as one sheet, numbers as numbers
  --dfbetas                add DFBETAS per term (dfbetas_<term>) to --diagnostics
  --json                   print one JSON document instead of text
  --print-every N          print every Nth epoch (default: every epoch up to 1,000 epochs, then 1,000 lines)

Negative values need =: --init-bias=-0.5.
`

export async function trainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...importOptionSpecs,
      ...settingOptionSpecs(),
      ...columnOptionSpecs,
      formula: { type: 'string' },
      out: { type: 'string' },
      diagnostics: { type: 'string' },
      dfbetas: { type: 'boolean' },
      json: { type: 'boolean' },
      'print-every': { type: 'string' },
      db: { type: 'string' },
      'no-db': { type: 'boolean' },
      name: { type: 'string' },
      import: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(trainUsage())
    return 0
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'slope train needs a FILE.' : `slope train takes one FILE, got ${positionals.length}.`)
  // Over the link threshold (or a glob) the file is linked, not imported: README "Linked datasets". --import keeps it in memory.
  const linkDecision = await linkOrImport(positionals[0]!, values.import === true)
  if (linkDecision.link) return (await import('./linked-train-command')).linkedTrainCommand(argv)
  checkModelColumns('train', values)
  const input = readSettingFlags(values as CliValues)
  if (values.formula !== undefined && input.intercept === false) throw new UsageError('--formula says whether there is an intercept: write - 1 (or + 0) in the formula instead of --no-intercept.')
  if (input.backend === 'webgl') {
    throw new InputError('The WebGL backend needs a browser’s GPU, so the command line trains on the CPU.', 'Use --backend cpu, or train with WebGL in the app (npm start / slope web).')
  }

  const features = featuresFrom(values)
  let config = withFlag(() => parseTrainConfig(input))
  const printEvery = integerOption('print-every', values['print-every']) ?? (config.epochs <= 1000 ? 1 : Math.ceil(config.epochs / 1000))
  if (printEvery < 1) throw new UsageError('--print-every needs a whole number of at least 1.')

  if (values.db !== undefined && values['no-db']) throw new UsageError('--db and --no-db contradict each other.')
  if (values.diagnostics !== undefined && config.solver !== 'lstsq') {
    throw new UsageError('--diagnostics needs --solver lstsq: a gradient-descent run’s parameters are not the least-squares estimate the diagnostics assume.')
  }
  if (values.dfbetas && values.diagnostics === undefined) throw new UsageError('--dfbetas adds columns to --diagnostics OUT.csv: give that too.')
  if (values.diagnostics !== undefined && !/\.(csv|xlsx)$/i.test(values.diagnostics)) {
    throw new UsageError(`--diagnostics writes CSV or XLSX: name the file OUT.csv or OUT.xlsx (got "${values.diagnostics}").`)
  }

  const loadStart = performance.now()
  const file = await importFile(positionals[0]!, importOptionsFrom(values))
  // The design is built here for the report and --diagnostics (and a bad formula stops before the
  // database opens); the run itself is started with the formula on the stored file, as in the app.
  const design: FormulaDesign | null = values.formula !== undefined ? trainingDesign(values.formula, file, config) : null
  const { table, oneHot } = design ? { table: designTable(design, file.table.source), oneHot: [] } : encodedTable(file, values)
  const target = design ? design.response!.name : values.target!
  if (design) config = withFlag(() => parseTrainConfig({ ...input, intercept: design.intercept }))
  const loadMs = performance.now() - loadStart

  const json = values.json === true
  const services = openServices({
    databasePath: values['no-db'] ? ':memory:' : (values.db ?? defaultDatabasePath()),
    workerFactory: sourceTrainWorker,
    shell: 'cli',
    poolSize: 1,
  })
  try {
    // The file as read — numeric and text columns — whatever the model: `slope export` of a formula run replays its formula on it.
    const dataset = services.store.addDataset({
      ...tableToUpload(design ? file.table : table, { name: file.fileName, fileName: file.fileName, sha256: file.sha256, importInfo: importInfoOf(file), textColumns: file.textColumns }),
      oneHot: oneHot.map(({ column, reference, levels }) => ({ column, reference, levels })),
    })
    const runId = services.training.start({
      datasetId: dataset.id,
      ...(design ? { formula: values.formula! } : { target, features: features.length ? features : undefined }),
      config,
      name: values.name,
    })
    if (!json) {
      services.training.on({
        progress: (id, from, loss, valLoss) => {
          if (id !== runId) return
          let text = ''
          for (let k = 0; k < loss.length; k++) {
            const e = from + k
            if (e % printEvery !== 0 && e !== config.epochs - 1) continue
            text += `epoch: ${e}, loss: ${formatNumber(loss[k]!)}`
            if (valLoss) text += `, val_loss: ${formatNumber(valLoss[k]!)}`
            text += '\n'
          }
          process.stdout.write(text)
        },
      })
    }
    // Ctrl-C cancels the run (it is saved as cancelled, with its history); a second one quits.
    // SIGTERM (kill, systemd, a CI timeout) and SIGHUP (the terminal closed) do the same: without a
    // handler Node dies at once and the run would be left to read interrupted instead of cancelled.
    const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
    const onStop = () => {
      for (const s of stopSignals) process.off(s, onStop)
      services.training.cancel(runId)
    }
    for (const s of stopSignals) process.on(s, onStop)
    await services.training.waitFor(runId)
    for (const s of stopSignals) process.off(s, onStop)

    const run = services.store.getRun(runId)
    if (run.status === 'failed') throw run.failure ? InputError.fromText(run.failure) : new InputError(run.error ?? 'Training failed.')
    if (values.out && run.model) await writeFileAtomic(values.out, `${JSON.stringify(run.model, null, 2)}\n`)
    const statistics = run.outcome?.statistics
    if (values.diagnostics && statistics) {
      const diagnostics = await diagnosticsTable(table, target, design ? design.columns.map((c) => c.name) : features, config, statistics, values.dfbetas === true)
      await writeFileAtomic(values.diagnostics, /\.xlsx$/i.test(values.diagnostics) ? await diagnosticsXlsx(diagnostics) : await diagnosticsCsv(diagnostics))
    }
    const timing = {
      load_ms: round3(loadMs),
      train_ms: round3(run.trainMs ?? 0),
      epochs_per_s: run.trainMs ? Math.round((run.epochsRun / run.trainMs) * 1000) : null,
    }
    if (json) {
      process.stdout.write(`${JSON.stringify({ ...jsonReport(run, timing), one_hot: oneHot.map(oneHotJson), ...(design ? { formula: formulaJson(design) } : {}) })}\n`)
    } else {
      if (design) process.stdout.write(`formula ${design.formula}: ${design.columns.length} design columns${design.intercept ? ' and the intercept' : ', no intercept'}\n`)
      for (const e of oneHot) process.stdout.write(`one-hot "${e.column}": reference "${e.reference}"; features ${e.names.map((n) => `"${n}"`).join(', ')}\n`)
      process.stdout.write(textSummary(run, timing))
      if (values.out) process.stdout.write(run.model ? `model written to ${values.out}\n` : `no model written: the run ${run.status}\n`)
      if (values.diagnostics && statistics) process.stdout.write(`per-row diagnostics written to ${values.diagnostics}\n`)
      if (!values['no-db']) process.stdout.write(`saved as run ${run.id} in ${services.appInfo.databasePath}\n`)
    }
    return run.status === 'cancelled' ? 130 : 0
  } finally {
    await services.close()
  }
}

function oneHotJson(e: OneHotEncoding) {
  return { column: e.column, reference: e.reference, levels: e.levels, features: e.names }
}

function formulaJson(design: FormulaDesign) {
  return { text: design.formula, response: design.response?.name ?? null, back_transform: design.response?.backTransform ?? null, intercept: design.intercept, columns: design.columns.map((c) => c.name), factors: design.state.factors, transforms: design.state.transforms }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}

/** A setting's sentence names the flag that sets it: "The learning rate must be greater than 0 (--lr)." */
export function withFlag<T>(parse: () => T): T {
  try {
    return parse()
  } catch (e) {
    const setting = isInputError(e) ? e.where.setting : undefined
    if (!setting || !Object.hasOwn(settings, setting)) throw e
    const error = e as InputError
    const text = error.text ?? { message: error.message, hint: error.hint, fixes: [] }
    throw new InputError(`${text.message.replace(/\.$/, '')} (${settingFlag(setting as SettingName)}).`, text.hint, error.where, text.fixes)
  }
}

/** Which divergence rule fired (README "Training semantics"): overflow, or growth past the limits. */
function divergenceReason(run: RunDetail): string {
  const k = run.divergedAt ?? run.loss.length
  const last = run.loss[k]
  if (last === undefined || !Number.isFinite(last)) return 'the loss overflowed'
  return `the loss grew to ${formatNumber(last)}, ${formatFactor(last / run.loss[0]!)}× its first value`
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null
}

function jsonReport(run: RunDetail, timing: object) {
  const o = run.outcome
  return {
    run: {
      id: run.id,
      name: run.name,
      status: run.status,
      diverged_at: run.divergedAt,
      epochs_run: run.epochsRun,
      stopped_early: o?.stoppedEarly ?? false,
      best_epoch: o?.bestEpoch ?? null,
      final_loss: run.finalLoss,
      train_rows: o?.trainRows ?? null,
      validation_rows: o?.validationRows ?? null,
      missing: o?.missing ?? null,
    },
    history: { loss: Array.from(run.loss), val_loss: run.valLoss ? Array.from(run.valLoss) : null },
    model: run.model,
    exact: o?.exact
      ? o.exact.available
        ? { available: true, params: o.exact.params, train_loss: o.exact.trainLoss, distance: finiteOrNull(o.exact.distance), curvature: o.curvature ?? null }
        : { available: false, reason: o.exact.reason, curvature: o.curvature ?? null }
      : null,
    timing,
  }
}

function textSummary(run: RunDetail, timing: { train_ms: number }): string {
  const lines: string[] = []
  const o = run.outcome
  const config = run.config
  if (!o) return `${run.status}\n`
  const rows = `${o.trainRows} training rows${o.validationRows ? `, ${o.validationRows} validation rows` : ''}`
  if (o.missing.droppedRows) lines.push(`dropped ${o.missing.droppedRows} rows with missing values`)
  for (const m of o.missing.imputed) lines.push(`filled ${m.cells} missing cells of "${m.column}" with its training mean ${formatNumber(m.value)}`)
  if (config.solver === 'lstsq') {
    lines.push(`exact least squares (Householder QR) on ${rows} in ${timing.train_ms} ms`)
  } else if (run.status === 'diverged') {
    lines.push(`diverged at epoch ${run.divergedAt}: ${divergenceReason(run)} (the diagnosis below says what to change)`)
  } else {
    const how = run.status === 'cancelled' ? 'cancelled after' : o.stoppedEarly ? `stopped early (best epoch ${o.bestEpoch}) after` : 'completed'
    lines.push(`${how} ${run.epochsRun} epochs on ${rows} in ${timing.train_ms} ms`)
  }
  if (o.model) lines.push(`model: ${formatModelEquation(o.target, o.features, o.model.weights, o.model.intercept)}`)
  if (o.metrics) {
    const m = o.metrics
    lines.push(`train: mse ${formatNumber(m.train.mse)}, rmse ${formatNumber(m.train.rmse)}, mae ${formatNumber(m.train.mae)}, r2 ${formatNumber(m.train.r2)}`)
    if (m.validation) lines.push(`validation: mse ${formatNumber(m.validation.mse)}, rmse ${formatNumber(m.validation.rmse)}, mae ${formatNumber(m.validation.mae)}, r2 ${formatNumber(m.validation.r2)}`)
  }
  const s = o.statistics
  if (s) {
    lines.push('')
    lines.push(statisticsTable(o.features, s))
    lines.push(
      `residual sd ${formatNumber(s.residualSd)} on ${s.dfResidual} degrees of freedom; R² ${formatNumber(s.r2)}${config.intercept ? '' : ' (uncentered)'}, adjusted ${formatNumber(s.adjR2)}; F ${formatNumber(s.f)} on ${s.dfModel} and ${s.dfResidual} df, p ${formatNumber(s.fP)}`,
    )
    if (s.report) lines.push(...reportLines(s.report, o.features))
  }
  const exact = o.exact
  if (exact?.available && run.status === 'diverged') {
    lines.push(`exact least squares: loss ${formatNumber(exact.trainLoss)} — reachable with a smaller learning rate`)
  } else if (exact?.available) {
    const last = run.finalLoss ?? NaN
    lines.push(
      `exact least squares: loss ${formatNumber(exact.trainLoss)}; this run ${formatNumber(last)} (gap ${formatNumber(last - exact.trainLoss)}), parameter distance ${formatNumber(exact.distance)}`,
    )
  } else if (exact) {
    lines.push(`exact least squares: unavailable — ${exact.reason}`)
  }
  if (o.curvature) lines.push(`learning rates: ${curvatureSentence(o.curvature, config.learningRate)}`)
  if (config.solver === 'gd') for (const finding of diagnoseRun(run)) lines.push(`diagnosis: ${describeFinding(finding)}`)
  return `${lines.join('\n')}\n`
}

function statisticsTable(features: readonly string[], s: ExactFitStatistics): string {
  const r = s.report
  const terms: [string, CoefficientStats][] = features.map((f, i) => [f, s.coefficients[i]!])
  if (s.interceptStats) terms.unshift([INTERCEPT_KEY, s.interceptStats])
  const offset = s.interceptStats ? 1 : 0
  // With a report, SE, t, p and the interval are the chosen estimator's at the chosen level.
  const se = r && r.covariance !== 'nonrobust' ? `std error (${r.covariance})` : 'std error'
  const level = `${formatNumber((r?.ciLevel ?? 0.95) * 100)}% CI`
  const rows = [
    ['term', 'estimate', se, 't', 'p', level, ...(r ? ['beta', 'VIF'] : [])],
    ...terms.map(([name, c], j) => {
      const inf = r?.inference[j]
      const ci = inf ? inf.ci : c.ci95
      return [
        name,
        formatNumber(c.estimate),
        formatNumber(inf ? (inf.stdError ?? NaN) : c.stdError),
        formatNumber(inf ? (inf.t ?? NaN) : c.t),
        formatNumber(inf ? (inf.p ?? NaN) : c.p),
        ci ? `[${formatNumber(ci[0])}, ${formatNumber(ci[1])}]` : '',
        ...(r ? (j < offset ? ['', ''] : [formatNumber(r.standardized[j - offset] ?? NaN), formatNumber(r.vif[j - offset] ?? NaN)]) : []),
      ]
    }),
  ]
  return formatTextTable(rows, rows[0]!.map((_, j) => j > 0))
}

/** The report below the coefficients, each test named with its exact variant (statsmodels' definitions). */
function reportLines(r: RegressionReport, features: readonly string[]): string[] {
  const f = (x: number | null | undefined) => formatNumber(x ?? NaN)
  const a = r.anova
  const lines = [
    `anova: model SS ${f(a.ssModel)} on ${a.dfModel} df (MS ${f(a.mseModel)}), residual SS ${f(a.ssResid)} on ${a.dfResid} df (MS ${f(a.mseResid)}), total SS ${f(a.ssTotal)} on ${a.dfTotal} df`,
    `log-likelihood ${f(r.logLikelihood)}, AIC ${f(r.aic)}, BIC ${f(r.bic)}`,
    `standard errors: ${r.covariance === 'nonrobust' ? 'classical σ²(XᵀX)⁻¹' : `${r.covariance} (heteroskedasticity-consistent)`}; HC3 ${r.terms.map((t, j) => `${t} ${f(r.hcStdErrors.HC3[j])}`).join(', ')}`,
    `Durbin–Watson ${f(r.durbinWatson)}; Jarque–Bera ${f(r.jarqueBera.statistic)}, p ${f(r.jarqueBera.p)} (skew ${f(r.jarqueBera.skew)}, kurtosis ${f(r.jarqueBera.kurtosis)})` +
      (r.omnibus ? `; omnibus (D'Agostino–Pearson) ${f(r.omnibus.statistic)}, p ${f(r.omnibus.p)}` : ''),
  ]
  if (r.breuschPagan) {
    const k = r.breuschPagan.koenker
    const o = r.breuschPagan.original
    lines.push(`Breusch–Pagan (Koenker, studentized): LM ${f(k.lm)}, p ${f(k.lmP)}; F ${f(k.f)}, p ${f(k.fP)}; original Breusch–Pagan LM ${f(o.lm)}, p ${f(o.lmP)}`)
  }
  lines.push('skipped' in r.white ? `White: skipped — ${r.white.skipped}` : `White: LM ${f(r.white.lm)} on ${r.white.df} df, p ${f(r.white.lmP)}; F ${f(r.white.f)}, p ${f(r.white.fP)}`)
  const c = r.collinearity
  lines.push(`collinearity: condition number ${f(c.conditionNumber)} (unit-length columns; unscaled ${f(c.conditionNumberUnscaled)}), eigenvalues ${c.eigenvalues.map(f).join(', ')}`)
  for (const reading of reportReadings(r, features)) lines.push(`reading: ${describeReading(reading)}`)
  return lines
}

/**
 * `--diagnostics`: the run's per-row diagnostics (core's diagnosticsOfRun, as the Fit tab saves them).
 * Loaded only here: row-diagnostics.ts brings the training code (fit-model, the CPU kernels), which
 * otherwise only the worker thread needs, onto every `slope train`'s start.
 */
async function diagnosticsTable(table: Table, target: string, features: string[], config: TrainConfig, fit: ExactFitStatistics, withDfbetas: boolean): Promise<DiagnosticsTable> {
  const { diagnosticsCells, diagnosticsHeader, diagnosticsOfRun } = await import('../../src-core/model/row-diagnostics')
  const diag = diagnosticsOfRun(table, { name: 'this run', target, features, config, outcome: { statistics: fit } }, { dfbetas: withDfbetas })
  const p = diag.terms.length
  const rows = Array.from({ length: diag.rowNumber.length }, (_, i) => diagnosticsCells(diag, diag.rowNumber[i]!, i, p).map((v) => v ?? ''))
  return { header: diagnosticsHeader(diag.terms, withDfbetas), rows }
}

/** The diagnostics' header and rows; a non-finite figure (a leverage-1 row's studentized residual) is an empty cell in both formats. */
interface DiagnosticsTable {
  header: string[]
  rows: (string | number)[][]
}

/** papaparse is loaded here only: every other `slope train` would pay its load at start-up. */
async function diagnosticsCsv({ header, rows }: DiagnosticsTable): Promise<string> {
  const { default: Papa } = await import('papaparse')
  const cells = rows.map((r) => r.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? '' : v)))
  return `${Papa.unparse({ fields: header, data: cells }, { newline: '\n', escapeFormulae: CSV_FORMULA_START })}\n`
}

const XLSX_MAX_ROWS = 1_048_576

/** One sheet, header row, numbers as numbers; SheetJS is imported only here, so the CLI's start-up does not load it. */
async function diagnosticsXlsx({ header, rows }: DiagnosticsTable): Promise<Uint8Array> {
  if (rows.length + 1 > XLSX_MAX_ROWS) {
    throw new InputError(`${rows.length.toLocaleString('en')} training rows do not fit in an XLSX sheet (${(XLSX_MAX_ROWS - 1).toLocaleString('en')} at most).`, 'Name the file OUT.csv instead.')
  }
  const XLSX = await import('@e965/xlsx')
  // An empty cell is absent (null), not an empty string: a spreadsheet then sees no value there.
  const cells = rows.map((r) => r.map((v) => (v === '' || (typeof v === 'number' && !Number.isFinite(v)) ? null : v)))
  const sheet = XLSX.utils.aoa_to_sheet([header, ...cells], { dense: true })
  const book = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(book, sheet, 'diagnostics')
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx', compression: true }) as ArrayBuffer)
}
