import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import type { DatasetId, RunId } from '../../src-core/contract'
import { InputError } from '../../src-core/errors'
import { buildModelDocument, type ModelDocument } from '../../src-core/model-file'
import type { LeastSquaresFit } from '../../src-core/model/least-squares'
import type { Metrics } from '../../src-core/model/metrics'
import { unstandardize, type Standardization } from '../../src-core/table/standardize'
import type { TrainConfig } from '../../src-core/train/config'
import { exactFitOutcome } from '../../src-core/train/exact-fit-outcome'
import type { FitOutcome } from '../../src-core/train/fit-model'
import type { MissingReport } from '../../src-core/table/missing'
import type { NewRun, RunStore } from '../services/run-store'
import { storedOutcome } from '../services/training'
import type { LinkedFormula } from './formula-chunks'
import type { ColumnStatistics } from './linked-source'
import type { LinkedDataset } from './linked-store'
import type { StreamedGdResult } from './streamed-gradient-descent'

/**
 * Runs trained on linked files, saved as every other run (runs, loss_chunks; `slope runs`,
 * `slope export`): migration 7 gives a linked dataset one row in `datasets` — no dataset_columns,
 * its data stay in the files — for the runs' dataset_id, and each run its `linked` record.
 * The CLI (linked-train-command.ts) and the app (services/linked-runs.ts) save through the same
 * functions here: the outcome of a streamed fit, its model document, the finished run.
 */

/** No missing-value handling on linked data: an empty cell is an error naming its row (linked-source.ts). */
export const noMissing: MissingReport = { policy: 'error', droppedRows: 0, imputed: [] }

/** Chunks per shuffle window for mini-batches when none is asked for (the CLI's --shuffle-chunks; the app always). */
export const DEFAULT_SHUFFLE_CHUNKS = 4

/** What a run on linked data read: the link, the path or glob, the filter and the number of files. */
export interface LinkedRunSource {
  linkedDatasetId: number
  pattern: string
  where: string | null
  files: number
}

/** The link's identity: its files' fingerprints (linked-source.ts), in path order. */
export function linkedIdentity(linked: Pick<LinkedDataset, 'files'>): string {
  return createHash('sha256')
    .update(linked.files.map((f) => `${f.path}\n${f.fingerprint}`).join('\n'))
    .digest('hex')
}

/** The datasets row standing for a linked dataset, made on its first saved run (or when the app links it). */
export function linkedDatasetRow(store: RunStore, linked: LinkedDataset): DatasetId {
  const known = store.db.prepare("SELECT id FROM datasets WHERE json_extract(source, '$.linked') = ?").get(linked.id) as { id: number } | undefined
  if (known) return known.id
  const result = store.db
    .prepare('INSERT INTO datasets (name, file_name, sha256, row_count, source, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(`${linked.name} (linked)`, basename(linked.pattern), linkedIdentity(linked), linked.rowCount, JSON.stringify({ linked: linked.id, importInfo: { linked: linked.pattern } }), new Date().toISOString())
  return Number(result.lastInsertRowid)
}

export function createLinkedRun(store: RunStore, run: NewRun, source: LinkedRunSource): RunId {
  const id = store.createRun(run)
  store.db.prepare('UPDATE runs SET linked = ? WHERE id = ?').run(JSON.stringify(source), id)
  return id
}

/** The linked record of a run; null for a run on imported data. */
export function linkedRunSource(store: RunStore, id: RunId): LinkedRunSource | null {
  const row = store.db.prepare('SELECT linked FROM runs WHERE id = ?').get(id) as { linked: string | null } | undefined
  return row?.linked ? (JSON.parse(row.linked) as LinkedRunSource) : null
}

/**
 * z = (x − mean) / sd from the statistics pass (DuckDB's avg and stddev_pop: population sd, as the
 * in-memory standardization); without an intercept only scaled, by the root mean square √(sd² + mean²).
 */
export function linkedStandardization(columns: readonly ColumnStatistics[], intercept: boolean): Standardization {
  const mean: number[] = []
  const scale: number[] = []
  for (const c of columns) {
    const sd = intercept ? c.std : Math.hypot(c.std, c.mean)
    const m = intercept ? c.mean : 0
    if (!(sd > Math.abs(m) * 1e-14) || !Number.isFinite(sd)) {
      throw new InputError(`Feature "${c.name}" is constant in the linked data (every value is ${c.min}), so it cannot be standardized and carries no information.`, 'Remove it from the features.', { column: c.name })
    }
    mean.push(m)
    scale.push(sd)
  }
  return { mean, scale }
}

/** The streamed gradient-descent run as the FitOutcome the model file and the run store take (no exact reference, no oracle: those need the rows in memory). */
export function linkedGdOutcome(result: StreamedGdResult, config: TrainConfig, target: string, features: string[], standardization: Standardization | null): FitOutcome {
  const params = Array.from(result.params)
  const d = features.length
  return {
    prepared: { target, features, standardization, imputation: null, missing: noMissing, trainRows: result.trainRows, validationRows: result.validationRows },
    status: result.status,
    divergedAt: result.divergedAt,
    epochsRun: result.epochsRun,
    stoppedEarly: result.stoppedEarly,
    bestEpoch: result.bestEpoch,
    loss: result.loss,
    valLoss: result.valLoss,
    model: result.metrics ? unstandardize(params.slice(0, d), params[d]!, standardization) : null,
    trainingParams: params,
    metrics: result.metrics,
    exact: null,
    statistics: null,
    trainMs: result.trainMs,
    path: null,
    hessianCondition: null,
    curvature: null,
    backend: { name: 'cpu', kernel: 'wasm-simd', threads: 1, note: `streamed from linked files${config.batchSize === null ? '' : ', mini-batches within shuffle windows'}` },
    surface: null,
  }
}

/**
 * The streamed exact fit as a FitOutcome: its statistics are the fit's own (coefficients, standard
 * errors, R², F); the per-row report (leverage, robust covariances, residual tests) needs the rows
 * in memory and is absent, as `statistics.report` may be. Metrics are the metrics pass's.
 */
export function linkedLstsqOutcome(fit: LeastSquaresFit, metrics: Metrics, target: string, features: string[], trainMs: number): FitOutcome {
  return exactFitOutcome(fit, {
    prepared: { target, features, standardization: null, imputation: null, missing: noMissing, trainRows: fit.rows, validationRows: 0 },
    metrics: { train: metrics, validation: null },
    statistics: { ...fit },
    trainMs,
    surface: null,
  })
}

/** The model document of a linked fit (null when it has none: diverged, cancelled); `linked` null with --no-db (no fingerprint stored). */
export function linkedModelDocument(outcome: FitOutcome, config: TrainConfig, pattern: string, linked: LinkedDataset | null, appVersion: string): ModelDocument | null {
  if (!outcome.model || !outcome.metrics) return null
  return buildModelDocument(outcome, config, { file: basename(pattern), sha256: linked ? linkedIdentity(linked) : '', rows: outcome.prepared.trainRows + outcome.prepared.validationRows }, appVersion)
}

/** Finishes a saved linked run with its outcome and model, as every finished run is stored. */
export function saveLinkedRun(store: RunStore, runId: RunId, outcome: FitOutcome, model: ModelDocument | null, formula: LinkedFormula | null = null): void {
  // A formula run's outcome names its formula and terms, as an in-memory formula run's (training.ts completeRun).
  const stored = formula ? { ...storedOutcome(outcome), formula: formula.document.text, terms: outcome.prepared.features } : storedOutcome(outcome)
  store.finishRun(runId, { status: outcome.status, divergedAt: outcome.divergedAt, trainMs: outcome.trainMs, outcome: stored, model })
}

/** A formula run's model carries its formula document, as an in-memory formula run's does (slope predict replays it). */
export function withFormula<T extends object>(model: T | null, formula: LinkedFormula | null): T | null {
  return model && formula ? { ...model, formula: formula.document } : model
}

/** A formula run's response and design columns, known once its state pass is done (the run was created before it). */
export function setLinkedRunDesign(store: RunStore, runId: RunId, target: string, features: readonly string[]): void {
  store.db.prepare('UPDATE runs SET target = ?, features = ? WHERE id = ?').run(target, JSON.stringify(features), runId)
}
