import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { basename } from 'node:path'
import { openDatabase } from '../services/database'
import { defaultDatabasePath } from '../services/paths'
import { LinkedSource, parseMemoryLimit } from '../linked/linked-source'
import { checkLinkedFiles, findLinkedDataset, linkDataset } from '../linked/linked-store'
import { streamedLeastSquares } from '../linked/streamed-least-squares'
import { formatNumber } from './format'
import { formatTextTable } from './text-table'
import { UsageError } from './usage-error'

/**
 * `slope train FILE|GLOB --link`: the exact least-squares fit streamed from the files through
 * DuckDB (README "Linked datasets"). Its own option parsing, so train-command.ts keeps the
 * imported path; gradient descent over linked data is not wired yet.
 */
export async function linkedTrainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      link: { type: 'boolean' },
      target: { type: 'string' },
      features: { type: 'string' },
      where: { type: 'string' },
      'memory-limit': { type: 'string' },
      'no-intercept': { type: 'boolean' },
      solver: { type: 'string' },
      // The link (files, fingerprints, statistics) is stored in the database; the run itself is not saved yet.
      db: { type: 'string' },
      'no-db': { type: 'boolean' },
      relink: { type: 'boolean' },
    },
  })
  if (positionals.length !== 1) throw new UsageError('slope train --link takes one FILE or quoted GLOB.')
  if (!values.target) throw new UsageError('slope train --link needs --target COL.')
  if (values.solver !== undefined && values.solver !== 'lstsq') throw new UsageError('slope train --link fits exact least squares only for now (--solver lstsq); gradient descent over linked files is not available yet.')
  const memoryLimitBytes = values['memory-limit'] ? parseMemoryLimit(values['memory-limit']) : undefined
  const source = await LinkedSource.open(resolve(positionals[0]!), { memoryLimitBytes })
  if (values.db !== undefined && values['no-db']) throw new UsageError('--db and --no-db contradict each other.')
  if (!values['no-db']) {
    // A path linked before is checked against what it was then: a changed or moved file stops
    // here with one sentence, before any row is read. A new path is linked (one statistics pass).
    const db = openDatabase(values.db ?? defaultDatabasePath())
    try {
      const known = findLinkedDataset(db, source.pattern)
      if (known && !values.relink) await checkLinkedFiles(known, source.files)
      else await linkDataset(db, source, basename(source.pattern))
    } catch (e) {
      source.close()
      throw e
    } finally {
      db.close()
    }
  }
  const controller = new AbortController()
  // Ctrl-C stops the scan between chunks (the fit is never half-written anywhere).
  const onSigint = () => controller.abort()
  process.once('SIGINT', onSigint)
  try {
    const target = values.target
    const features = values.features ? values.features.split(',').map((f) => f.trim()).filter(Boolean) : source.columns.filter((c) => c.name !== target && /^(DOUBLE|FLOAT|DECIMAL|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT)/.test(c.type)).map((c) => c.name)
    const started = Date.now()
    let lastReport = 0
    const fit = await streamedLeastSquares({
      source,
      features,
      response: target,
      intercept: !values['no-intercept'],
      where: values.where,
      signal: controller.signal,
      onProgress: (pass, rows) => {
        const now = Date.now()
        if (now - lastReport < 500) return
        lastReport = now
        const perSecond = rows / Math.max(1e-3, (now - started) / 1000)
        process.stderr.write(`pass ${pass}/2: ${rows.toLocaleString('en-US')} rows, ${Math.round(perSecond).toLocaleString('en-US')} rows/s\n`)
      },
    })
    const rows = [['term', 'estimate', 'std error', 't', 'p']]
    if (fit.interceptStats) rows.push(['(intercept)', ...[fit.interceptStats.estimate, fit.interceptStats.stdError, fit.interceptStats.t, fit.interceptStats.p].map(formatNumber)])
    features.forEach((name, j) => {
      const c = fit.coefficients[j]!
      rows.push([name, ...[c.estimate, c.stdError, c.t, c.p].map(formatNumber)])
    })
    process.stdout.write(`exact least squares (Householder TSQR, streamed from ${source.files.length} linked file${source.files.length === 1 ? '' : 's'}) on ${fit.rows.toLocaleString('en-US')} rows in ${Date.now() - started} ms\n`)
    process.stdout.write(`${formatTextTable(rows, [false, true, true, true, true])}\n`)
    process.stdout.write(`R² ${formatNumber(fit.r2)}, adjusted ${formatNumber(fit.adjR2)}; residual sd ${formatNumber(fit.residualSd)}; F ${formatNumber(fit.f)} (p ${formatNumber(fit.fP)})\n`)
    return 0
  } finally {
    process.off('SIGINT', onSigint)
    source.close()
  }
}
