import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { InputError } from '../../src-core/errors'
import { RunStore } from '../services/run-store'
import { openDatabaseForReading } from '../services/database'
import { defaultDatabasePath } from '../services/paths'
import { formatNumber } from './format'
import { integerOption } from './options'
import { formatTextTable } from './text-table'
import { UsageError } from './usage-error'
import { writeFileAtomic } from '../services/atomic-write'

export const runsUsage = `Usage: slope runs [--db PATH] [--json]

List the runs saved in the database (newest first).
  --db PATH   database (default: $SLOPE_DB or the app's database, see slope --help)
  --json      {"runs": [{"id", "name", "status", "epochs_run", "final_loss", "created_at", …}]}
`

export const exportUsage = `Usage: slope export RUN_ID --out FILE [--db PATH]

Write the model of a saved run as a model JSON document (resources/model.schema.json).
`

/** Opens an existing database for the reading commands: a missing file is a message, never a new database. */
function openStore(path: string): RunStore {
  if (!existsSync(path)) throw new InputError(`There is no database at ${path} yet.`, 'Train a run first (slope train), or give the right --db PATH.', { file: path })
  return new RunStore(openDatabaseForReading(path), path)
}

export async function runsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) {
    process.stdout.write(runsUsage)
    return 0
  }
  if (positionals.length) throw new UsageError(`slope runs takes no arguments, got "${positionals[0]}".`)
  const path = values.db ?? defaultDatabasePath()
  if (!existsSync(path)) {
    process.stdout.write(values.json ? '{"runs":[]}\n' : `no runs yet (${path} does not exist)\n`)
    return 0
  }
  const store = openStore(path)
  try {
    const runs = store.listRuns()
    if (values.json) {
      const out = runs.map((r) => ({
        id: r.id,
        name: r.name,
        status: r.status,
        dataset: r.datasetName,
        target: r.target,
        features: r.features,
        formula: r.formula ?? null,
        solver: r.solver,
        optimizer: r.optimizer,
        learning_rate: r.learningRate,
        epochs: r.epochs,
        epochs_run: r.epochsRun,
        diverged_at: r.divergedAt,
        final_loss: r.finalLoss,
        best_loss: r.bestLoss,
        final_val_loss: r.finalValLoss,
        train_ms: r.trainMs,
        created_at: r.createdAt,
        finished_at: r.finishedAt,
        starred: r.starred,
        tags: r.tags,
      }))
      process.stdout.write(`${JSON.stringify({ runs: out })}\n`)
      return 0
    }
    if (runs.length === 0) {
      process.stdout.write(`no runs in ${store.path}\n`)
      return 0
    }
    const rows = [
      ['id', 'name', 'status', 'dataset', 'epochs', 'final loss', 'best loss', 'created'],
      ...runs.map((r) => [
        String(r.id),
        r.name,
        r.status,
        r.datasetName,
        r.solver === 'lstsq' ? '—' : String(r.epochsRun),
        r.finalLoss === null ? '—' : formatNumber(r.finalLoss),
        r.bestLoss === null ? '—' : formatNumber(r.bestLoss),
        r.createdAt.slice(0, 19).replace('T', ' '),
      ]),
    ]
    // Display width, not code points: Chinese run and dataset names take two cells each.
    process.stdout.write(`${formatTextTable(rows, [])}\n`)
    return 0
  } finally {
    store.close()
  }
}

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { db: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    process.stdout.write(exportUsage)
    return 0
  }
  if (positionals.length !== 1) throw new UsageError('slope export needs one RUN_ID.')
  if (!values.out) throw new UsageError('slope export needs --out FILE.')
  const id = integerOption('RUN_ID', positionals[0])!
  const store = openStore(values.db ?? defaultDatabasePath())
  try {
    const run = store.getRun(id)
    if (!run.model) {
      throw new InputError(
        `Run ${id} ("${run.name}") has no model (it is ${run.status}).`,
        run.status === 'diverged' ? 'Lower the learning rate and train again.' : 'Export a completed run (see slope runs).',
      )
    }
    await writeFileAtomic(values.out, `${JSON.stringify(run.model, null, 2)}\n`)
    process.stdout.write(`model of run ${id} written to ${values.out}\n`)
    return 0
  } finally {
    store.close()
  }
}
