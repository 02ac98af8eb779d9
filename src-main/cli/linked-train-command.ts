import { errorOfJobFailure } from '../linked/job-failure'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { basename } from 'node:path'
import { openDatabase } from '../services/database'
import { defaultDatabasePath } from '../services/paths'
import { LinkedSource, parseMemoryLimit, ScanStopped, scanStopped, type LinkedStatistics } from '../linked/linked-source'
import { checkLinkedFiles, findLinkedDataset, linkDataset, type LinkedDataset } from '../linked/linked-store'
import { createLinkedRun, DEFAULT_SHUFFLE_CHUNKS, linkedDatasetRow, linkedGdOutcome, linkedLstsqOutcome, linkedModelDocument, linkedStandardization, saveLinkedRun, withFormula } from '../linked/linked-run-store'
import type { LinkedTrainEvent, LinkedTrainMessage } from '../linked/linked-train-message'
import type { StreamedGdResult } from '../linked/streamed-gradient-descent'
import { RunStore } from '../services/run-store'
import { sourceTrainWorker } from '../services/train-worker'
import { writeFileAtomic } from '../services/atomic-write'
import { appVersion } from '../app-version'
import { InputError } from '../../src-core/errors'
import { createControl, setControl } from '../../src-core/protocol'
import { encodeRunError } from '../../src-core/run-error-record'
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from '../../src-core/train/config'
import { defaultRunName } from '../../src-core/train/run-names'
import { withFlag } from './train-command'
import { integerOption } from './options'
import { streamedLeastSquares } from '../linked/streamed-least-squares'
import { designChunks, prepareFormulaRun, prepareLinkedFormula, type LinkedFormula } from '../linked/formula-chunks'
import { checkLinkedFormula } from '../linked/linked-formula-check'
import { streamedFitMetrics } from '../linked/streamed-fit-metrics'
import { formatModelEquation, formatNumber } from './format'
import { formatTextTable } from './text-table'
import { UsageError } from './usage-error'
import { readSettingFlags, settingOptionSpecs } from './setting-flags'
import type { CliValues } from '../../src-core/train/settings'

/**
 * `slope train FILE|GLOB --link`: the exact least-squares fit streamed from the files through
 * DuckDB (README "Linked datasets"), or with --solver gd gradient descent streamed from them
 * (linked-gd-command.ts). Its own option parsing, so train-command.ts keeps the imported path;
 * the training settings are the same flags (setting-flags.ts).
 */
export async function linkedTrainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = linkedArgs(argv)
  if (positionals.length !== 1) throw new UsageError('slope train --link takes one FILE or quoted GLOB.')
  if (!values.target && values.formula === undefined) throw new UsageError('slope train --link needs --target COL (or --formula "y ~ …").')
  if (values.formula !== undefined && (values.target !== undefined || values.features !== undefined)) throw new UsageError('--formula names the response and the terms: leave out --target and --features.')
  if (values.formula !== undefined && values['no-intercept']) throw new UsageError('--formula says whether there is an intercept: write - 1 (or + 0) in the formula instead of --no-intercept.')
  // On linked data the default stays the exact fit: each epoch of gradient descent is a pass over the files.
  const gd = (values as CliValues).solver === 'gd'
  const settingInput = gd ? readSettingFlags(values as CliValues) : null
  const memoryLimitBytes = values['memory-limit'] ? parseMemoryLimit(values['memory-limit']) : undefined
  const source = await LinkedSource.open(resolve(positionals[0]!), { memoryLimitBytes })
  if (values.db !== undefined && values['no-db']) throw new UsageError('--db and --no-db contradict each other.')
  let linked: LinkedDataset | null = null
  if (!values['no-db']) {
    // A path linked before is checked against what it was then: a changed or moved file stops
    // here with one sentence, before any row is read. A new path is linked (one statistics pass).
    const db = openDatabase(values.db ?? defaultDatabasePath())
    try {
      const known = findLinkedDataset(db, source.pattern)
      if (known && !values.relink) {
        await checkLinkedFiles(known, source.files)
        source.knowRowCount({ files: known.files, rows: known.rowCount })
        linked = known
      } else linked = await linkDataset(db, source, basename(source.pattern))
    } catch (e) {
      source.close()
      throw e
    } finally {
      db.close()
    }
  }
  if (settingInput) {
    return linkedGradientDescent({
      source,
      linked,
      settings: settingInput,
      target: values.target ?? '',
      features: values.features,
      formula: values.formula,
      where: values.where,
      memoryLimitBytes,
      databasePath: values['no-db'] ? null : (values.db ?? defaultDatabasePath()),
      name: values.name,
      out: values.out,
      shuffleChunks: values['shuffle-chunks'],
    })
  }
  return linkedExactFit({
    source,
    linked,
    target: values.target ?? '',
    features: values.features,
    formula: values.formula,
    intercept: !values['no-intercept'],
    where: values.where,
    databasePath: values['no-db'] ? null : (values.db ?? defaultDatabasePath()),
    name: values.name,
    out: values.out,
  })
}

interface LinkedExactRequest {
  source: LinkedSource
  /** The stored link, or null with --no-db. */
  linked: LinkedDataset | null
  target: string
  features: string | undefined
  /** --formula: the design built per chunk (formula-chunks.ts) replaces target and features. */
  formula: string | undefined
  intercept: boolean
  where: string | undefined
  databasePath: string | null
  name: string | undefined
  out: string | undefined
}

/**
 * The streamed exact fit on this thread (DuckDB reads on its own threads), printed; with a database
 * (the default) saved as a run like the app's (linked-run-store.ts), which takes one more pass for
 * the model's metrics (MAE needs the residuals at the final β).
 */
async function linkedExactFit(request: LinkedExactRequest): Promise<number> {
  const { source } = request
  let target = request.target
  const controller = new AbortController()
  // Ctrl-C stops the scan between chunks (the fit is never half-written anywhere).
  const onSigint = () => controller.abort()
  process.once('SIGINT', onSigint)
  const store = request.databasePath && request.linked ? new RunStore(openDatabase(request.databasePath), request.databasePath) : null
  let runId: number | null = null
  try {
    // A formula's state (levels, scale()/center() statistics) comes from a pass of its own, before the fit's.
    const formula: LinkedFormula | null = request.formula !== undefined ? await prepareLinkedFormula(source, request.formula, { where: request.where, signal: controller.signal }) : null
    if (formula) target = formula.response
    const features = formula ? formula.features : linkedFeatures(source, target, request.features)
    const intercept = formula ? formula.intercept : request.intercept
    const chunks = formula ? () => designChunks(source, formula, { where: request.where, signal: controller.signal }) : undefined
    const config = parseTrainConfig({ solver: 'lstsq', intercept })
    if (store && request.linked) {
      runId = createLinkedRun(
        store,
        { name: request.name ?? defaultRunName(config), datasetId: linkedDatasetRow(store, request.linked), target, features, config, formula: formula?.text ?? null },
        { linkedDatasetId: request.linked.id, pattern: source.pattern, where: request.where ?? null, files: source.files.length },
      )
      store.markRunning(runId)
    }
    const passes = store ? 3 : 2
    const started = Date.now()
    let lastReport = 0
    const report = (pass: number, rows: number) => {
      const now = Date.now()
      if (now - lastReport < 500) return
      lastReport = now
      const perSecond = rows / Math.max(1e-3, (now - started) / 1000)
      process.stderr.write(`pass ${pass}/${passes}: ${rows.toLocaleString('en-US')} rows, ${Math.round(perSecond).toLocaleString('en-US')} rows/s\n`)
    }
    const fit = await streamedLeastSquares({ source, features, response: target, intercept, where: request.where, signal: controller.signal, chunks, onProgress: report })
    const fitMs = Date.now() - started
    const rows = [['term', 'estimate', 'std error', 't', 'p']]
    if (fit.interceptStats) rows.push(['(intercept)', ...[fit.interceptStats.estimate, fit.interceptStats.stdError, fit.interceptStats.t, fit.interceptStats.p].map(formatNumber)])
    features.forEach((name, j) => {
      const c = fit.coefficients[j]!
      rows.push([name, ...[c.estimate, c.stdError, c.t, c.p].map(formatNumber)])
    })
    process.stdout.write(`exact least squares (Householder TSQR, streamed from ${source.files.length} linked file${source.files.length === 1 ? '' : 's'}) on ${fit.rows.toLocaleString('en-US')} rows in ${fitMs} ms\n`)
    process.stdout.write(`${formatTextTable(rows, [false, true, true, true, true])}\n`)
    process.stdout.write(`R² ${formatNumber(fit.r2)}, adjusted ${formatNumber(fit.adjR2)}; residual sd ${formatNumber(fit.residualSd)}; F ${formatNumber(fit.f)} (p ${formatNumber(fit.fP)})\n`)
    if (store && runId !== null) {
      const shift = formula ? NaN : (request.linked?.statistics.columns.find((c) => c.name === target)?.mean ?? 0)
      const metrics = await streamedFitMetrics({ source, features, response: target, weights: fit.weights, intercept: fit.intercept, shift, where: request.where, signal: controller.signal, chunks, onProgress: (n) => report(3, n) })
      const outcome = linkedLstsqOutcome(fit, metrics, target, features, fitMs)
      const model = withFormula(linkedModelDocument(outcome, config, source.pattern, request.linked, appVersion), formula)
      saveLinkedRun(store, runId, outcome, model, formula)
      if (request.out && model) {
        await writeFileAtomic(request.out, `${JSON.stringify(model, null, 2)}\n`)
        process.stdout.write(`model written to ${request.out}\n`)
      }
      process.stdout.write(`saved as run ${runId} in ${request.databasePath}\n`)
    }
    return 0
  } catch (e) {
    if (store && runId !== null) {
      try {
        if (controller.signal.aborted) {
          store.finishRun(runId, { status: 'cancelled' })
          // The run is kept (as cancelled, without a model): say so, not the scan's "nothing was saved".
          if (e instanceof ScanStopped) e = scanStopped(e.rowsRead, `run ${runId} is kept as cancelled, without a model, in ${request.databasePath}`)
        } else store.finishRun(runId, { status: 'failed', error: encodeRunError(e, e instanceof InputError ? e.sentence : `Training failed: ${(e as Error)?.message ?? String(e)}`) })
      } catch {
        // the database itself is failing; the run reads interrupted once this process is gone
      }
    }
    throw e
  } finally {
    process.off('SIGINT', onSigint)
    source.close()
    store?.close()
  }
}

/** --features a,b, or every numeric column but the target. */
export function linkedFeatures(source: LinkedSource, target: string, list: string | undefined): string[] {
  if (list) return list.split(',').map((f) => f.trim()).filter(Boolean)
  return source.columns.filter((c) => c.name !== target && /^(DOUBLE|FLOAT|DECIMAL|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT)/.test(c.type)).map((c) => c.name)
}

interface LinkedGdRequest {
  source: LinkedSource
  /** The stored link (its statistics), or null with --no-db. */
  linked: LinkedDataset | null
  settings: TrainConfigInput
  target: string
  features: string | undefined
  formula: string | undefined
  where: string | undefined
  memoryLimitBytes: number | undefined
  databasePath: string | null
  name: string | undefined
  out: string | undefined
  shuffleChunks: string | undefined
}

/**
 * `--solver gd`: gradient descent streamed from the files in a training worker (workers/train.ts →
 * linked/linked-train-message.ts), as the in-memory `slope train` trains in one; saved as a run.
 */
async function linkedGradientDescent(request: LinkedGdRequest): Promise<number> {
  const { source } = request
  let target = request.target
  let config: TrainConfig
  let features: string[]
  let statistics: LinkedStatistics
  let formula: LinkedFormula | null = null
  const shuffleChunks = integerOption('shuffle-chunks', request.shuffleChunks) ?? DEFAULT_SHUFFLE_CHUNKS
  try {
    config = withFlag(() => parseTrainConfig({ ...request.settings, solver: 'gd' }))
    if (config.backend === 'webgl') throw new InputError('The WebGL backend needs a browser’s GPU, so the command line trains on the CPU.', 'Use --backend cpu.')
    if (request.settings.missing !== undefined) {
      throw new UsageError('--missing does not apply to linked data: an empty cell is an error naming its row. Filter such rows with --where "x IS NOT NULL".')
    }
    if (shuffleChunks < 1) throw new UsageError('--shuffle-chunks needs a whole number of at least 1.')
    if (request.formula !== undefined) {
      // The formula's state pass, then its design columns' statistics (standardization) over the training rows.
      const intercept = checkLinkedFormula(request.formula, source.columns).intercept
      config = withFlag(() => parseTrainConfig({ ...request.settings, solver: 'gd', intercept }))
      const split = { seed: config.seed, fraction: config.validationFraction }
      const prepared = await prepareFormulaRun(source, request.formula, { where: request.where, split, designStatistics: true })
      formula = prepared.formula
      target = formula.response
      features = formula.features
      statistics = { rows: prepared.columns![0]?.count ?? 0, columns: prepared.columns! }
    } else {
      features = linkedFeatures(source, target, request.features)
      const columns = [...features, target]
      // The statistics pass: the stored one when the run reads every row, else one DuckDB pass over the filtered rows.
      const stored = request.linked && !request.where ? request.linked.statistics : null
      statistics = stored && columns.every((c) => stored.columns.some((s) => s.name === c)) ? stored : await source.statistics(columns, request.where)
    }
    if (features.length === 0) throw new InputError('There is nothing to fit: no features.', 'Name them with --features a,b.')
  } finally {
    source.close() // the worker opens its own DuckDB instance
  }
  const stat = (name: string) => statistics.columns.find((c) => c.name === name)!
  const standardization = config.standardize ? linkedStandardization(features.map(stat), config.intercept) : null
  const rowsPerPass = statistics.rows
  const responseMean = stat(target).mean

  const db = request.databasePath ? openDatabase(request.databasePath) : null
  const store = db ? new RunStore(db, request.databasePath!) : null
  let runId: number | null = null
  const worker = sourceTrainWorker()
  const control = createControl()
  const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  // Ctrl-C cancels between chunks (the run is saved as cancelled, with its history).
  const onStop = () => setControl(control, 'cancel')
  try {
    if (store && request.linked) {
      const datasetId = linkedDatasetRow(store, request.linked)
      runId = createLinkedRun(
        store,
        { name: request.name ?? defaultRunName(config), datasetId, target, features, config, formula: formula?.text ?? null },
        { linkedDatasetId: request.linked.id, pattern: source.pattern, where: request.where ?? null, files: source.files.length },
      )
      store.markRunning(runId)
    }
    for (const s of stopSignals) process.on(s, onStop)
    const started = Date.now()
    let lastReport = 0
    const totalRows = rowsPerPass * (config.epochs + 1) // the epochs and the metrics pass
    const result = await new Promise<StreamedGdResult>((resolvePromise, reject) => {
      worker.on('error', reject)
      worker.on('message', (event: LinkedTrainEvent) => {
        if (event.type === 'linked-chunk') {
          const now = Date.now()
          if (now - lastReport < 500) return
          lastReport = now
          const done = event.epoch * rowsPerPass + event.rows
          const perSecond = done / Math.max(1e-3, (now - started) / 1000)
          const what = event.epoch < config.epochs ? `epoch ${event.epoch + 1}/${config.epochs}` : 'metrics pass'
          process.stderr.write(`${what}: ${event.rows.toLocaleString('en-US')} rows, ${Math.round(perSecond).toLocaleString('en-US')} rows/s, ETA ${formatDuration((totalRows - done) / perSecond)}\n`)
        } else if (event.type === 'progress') {
          if (store && runId !== null) store.appendHistory(runId, event.from, event.loss, event.valLoss, event.elapsedMs)
          let text = ''
          for (let k = 0; k < event.loss.length; k++) {
            text += `epoch: ${event.from + k}, loss: ${formatNumber(event.loss[k]!)}`
            if (event.valLoss) text += `, val_loss: ${formatNumber(event.valLoss[k]!)}`
            text += '\n'
          }
          process.stdout.write(text)
        } else if (event.type === 'linked-done') {
          resolvePromise(event.result)
        } else if (event.type === 'failed') {
          reject(errorOfJobFailure(event))
        }
      })
      const message: LinkedTrainMessage = {
        type: 'linked-train',
        runId: String(runId ?? 0),
        pattern: source.pattern,
        memoryLimitBytes: request.memoryLimitBytes,
        rowCount: request.linked ? { files: request.linked.files, rows: request.linked.rowCount } : undefined,
        features,
        response: target,
        where: request.where,
        config,
        standardization,
        responseMean,
        shuffleChunks,
        control,
        progressEveryMs: 200,
        ...(formula ? { formula } : {}),
      }
      worker.postMessage(message)
    })
    const outcome = linkedGdOutcome(result, config, target, features, standardization)
    const model = withFormula(linkedModelDocument(outcome, config, source.pattern, request.linked, appVersion), formula)
    if (store && runId !== null) saveLinkedRun(store, runId, outcome, model, formula)
    if (request.out && model) await writeFileAtomic(request.out, `${JSON.stringify(model, null, 2)}\n`)
    const rows = `${result.trainRows.toLocaleString('en-US')} training rows${result.validationRows ? `, ${result.validationRows.toLocaleString('en-US')} validation rows` : ''}`
    const how = result.status === 'diverged' ? `diverged at epoch ${result.divergedAt} after` : result.status === 'cancelled' ? 'cancelled after' : result.stoppedEarly ? `stopped early (best epoch ${result.bestEpoch}) after` : 'completed'
    process.stdout.write(`${how} ${result.epochsRun} epochs of gradient descent (${config.batchSize === null ? 'full batch' : `batches of ${config.batchSize} within windows of ${shuffleChunks} chunks`}) streamed from ${source.files.length} linked file${source.files.length === 1 ? '' : 's'} on ${rows} in ${Math.round(result.trainMs)} ms\n`)
    if (outcome.model) process.stdout.write(`model: ${formatModelEquation(target, features, outcome.model.weights, outcome.model.intercept)}\n`)
    if (outcome.metrics) {
      const m = outcome.metrics
      process.stdout.write(`train: mse ${formatNumber(m.train.mse)}, rmse ${formatNumber(m.train.rmse)}, mae ${formatNumber(m.train.mae)}, r2 ${formatNumber(m.train.r2)}\n`)
      if (m.validation) process.stdout.write(`validation: mse ${formatNumber(m.validation.mse)}, rmse ${formatNumber(m.validation.rmse)}, mae ${formatNumber(m.validation.mae)}, r2 ${formatNumber(m.validation.r2)}\n`)
    }
    if (request.out) process.stdout.write(model ? `model written to ${request.out}\n` : `no model written: the run ${result.status}\n`)
    if (store && runId !== null) process.stdout.write(`saved as run ${runId} in ${request.databasePath}\n`)
    return result.status === 'cancelled' ? 130 : 0
  } catch (e) {
    if (store && runId !== null) {
      try {
        store.finishRun(runId, { status: 'failed', error: encodeRunError(e, e instanceof InputError ? e.sentence : `Training failed: ${(e as Error)?.message ?? String(e)}`) })
      } catch {
        // the database itself is failing; the run reads interrupted once this process is gone
      }
    }
    throw e
  } finally {
    for (const s of stopSignals) process.off(s, onStop)
    await worker.terminate()
    store?.close()
  }
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…'
  const s = Math.max(0, Math.round(seconds))
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
}

export { linkedStandardization }

/**
 * The options of training on linked data. An option only the in-memory path has (`--json`,
 * `--formula`, `--one-hot`, …) is refused with what linked training takes and the way out: a file
 * linked because of its size is a surprise to a user who typed the options of any other file.
 */
function linkedArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...settingOptionSpecs(),
        link: { type: 'boolean' },
        target: { type: 'string' },
        features: { type: 'string' },
        formula: { type: 'string' },
        where: { type: 'string' },
        'memory-limit': { type: 'string' },
        'no-intercept': { type: 'boolean' },
        // The link (files, fingerprints, statistics) and gradient-descent runs are stored in the database.
        db: { type: 'string' },
        'no-db': { type: 'boolean' },
        relink: { type: 'boolean' },
        name: { type: 'string' },
        out: { type: 'string' },
        'shuffle-chunks': { type: 'string' },
      },
    })
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw e
    throw new UsageError(
      `${/^Unknown option '[^']*'/.exec((e as Error).message)?.[0] ?? 'Unknown option'}. Training on linked data (read in place through DuckDB) takes --target, --features, --formula, --where, --memory-limit, --no-intercept, --relink, --shuffle-chunks, --db/--no-db, --name, --out and the solver and optimizer settings; add --import to read the file into memory and use every option.`,
    )
  }
}
