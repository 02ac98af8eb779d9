import * as z from 'zod'
import type { FixableText } from './errors'
import type { ModelDocument } from './model-file'
import type { CurvatureJson } from './model/curvature'
import type { ExactFitStatistics } from './model/regression-report'
import type { RunDiagnostics } from './model/row-diagnostics'
import type { LossQuadratic } from './model/loss-surface'
import type { Metrics } from './model/metrics'
import type { PredictionInterval } from './model/predict-with-model'
import { intervalKinds } from './model/prediction-interval'
import type { MissingReport } from './table/missing'
import type { Standardization } from './table/standardize'
import type { ExcludedColumn } from './table/table'
import { trainConfigSchema, type TrainConfig } from './train/config'
import { optimizerNames } from './train/optimizers/registry'
import { loopOutcomes } from './train/train-loop'
import type { ExactReference, FitOutcome, PreparedInfo } from './train/fit-model'
import type { ParamPath } from './train/param-path'
import type { ComputeStart, WorkerEvent } from './protocol'

/**
 * The one typed API between the renderer and main (Electron IPC or browser mode's WebSocket).
 * Every request is declared once, as a zod schema of its arguments (validated where the payload
 * enters main) plus its result type; every pushed event once. ipc.ts, preload.ts, the WebSocket
 * server and the renderer client loop over `requestNames` / `eventNames`: the compiler flags a
 * missing handler, and no channel name is assembled at run time.
 */

export type RunId = number
export type DatasetId = number
/** Every status a stored run can have: waiting, training, one of the loop's outcomes, or ended from outside. */
export const runStatuses = ['queued', 'running', ...loopOutcomes, 'interrupted', 'failed'] as const
export type RunStatus = (typeof runStatuses)[number]
/** Waiting or training: a process still owns the run. */
export const activeStatuses: readonly RunStatus[] = runStatuses.slice(0, 2)
export const finishedStatuses: readonly RunStatus[] = runStatuses.filter((s) => !activeStatuses.includes(s))

// ---------- payload schemas (untrusted input) ----------

const id = z.number().int().positive()
const name = z.string().trim().min(1, 'a name cannot be empty').max(200, 'a name is at most 200 characters')
const columnName = z.string().min(1).max(1000)
const f64 = z.custom<Float64Array>((v) => v instanceof Float64Array, 'must be a Float64Array')

/** A parsed table sent by the renderer (parsing happens in its Web Worker). */
export const datasetUploadSchema = z.object({
  name,
  fileName: z.string().max(1000),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 hex digits'),
  names: z.array(columnName).max(10_000),
  columns: z.array(f64).max(10_000),
  firstRowNumber: z.number().int().min(1).default(2),
  /** [data row index, blank rows skipped before it so far]: blank rows are not stored, their numbers are kept. */
  rowGaps: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])).max(10_000_000).default([]),
  excluded: z.array(z.object({ name: z.string(), reason: z.string() })).default([]),
  /** [column index, data row, original text] of cells kept for messages. */
  cellText: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0), z.string().max(10_000)])).max(100_000).default([]),
  /** What the importer found (encoding, delimiter, sheet…), shown back to the user. */
  importInfo: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  /** Text columns one-hot encoded into "column=level" features at import (the model file records them). */
  oneHot: z.array(z.object({ column: z.string(), reference: z.string(), levels: z.array(z.string()) })).max(10_000).default([]),
  /**
   * Text columns dictionary-encoded (code = index into `levels`, NaN = empty cell), so that a
   * formula can use them as factors; one-hot encoded ones are sent too (dataset-upload.ts builds them).
   */
  textColumns: z.array(z.object({ name: columnName, levels: z.array(z.string().max(10_000)).max(100_000), codes: f64 })).max(10_000).default([]),
})
export type DatasetUpload = z.input<typeof datasetUploadSchema>

/**
 * How the analyst prepared one dataset for training, kept with the dataset (its own row in the
 * database) and restored whenever it is reopened: which column is predicted, from which features,
 * and the settings of group "data" (settings.ts: missing cells, standardization, intercept,
 * validation split). Those describe how this table becomes rows, so they belong to the table;
 * optimizer, schedule, epochs and compute describe the experiment and stay with the Train form.
 * One-hot choices are part of the dataset itself (its stored columns and `oneHot`): re-reading the
 * file with other choices makes a new version of the same source, which inherits this preparation.
 */
export const datasetPreparationSchema = z.object({
  target: columnName.nullable(),
  features: z.array(columnName).max(10_000),
  /** Values of the "data" group's settings, checked by parseTrainConfig where they are used. */
  data: z.record(z.string().max(100), z.unknown()).default({}),
  /** When non-null, the model (README "Formulas"); target and features then only mirror it for older readers. */
  formula: z.string().max(10_000).nullable().default(null),
})
/** `formula` is optional in the type only: what main stores and answers always has it (null without one). */
export type DatasetPreparation = Omit<z.output<typeof datasetPreparationSchema>, 'formula'> & { formula?: string | null }

export const runFilterSchema = z
  .object({
    datasetId: id.optional(),
    groupId: z.string().max(100).optional(),
    status: z.array(z.enum(runStatuses)).optional(),
    starred: z.boolean().optional(),
    tag: z.string().max(100).optional(),
    search: z.string().max(200).optional(),
  })
  .default({})
export type RunFilter = z.input<typeof runFilterSchema>

export const startRunSchema = z.object({
  datasetId: id,
  target: columnName.optional(),
  /** The model as a formula (README "Formulas"): with it, target and features may be omitted. */
  formula: z.string().max(10_000).optional(),
  features: z.array(columnName).max(10_000).optional(),
  config: z.unknown(), // completed and checked by parseTrainConfig, for its user-facing messages
  name: name.optional(),
}).refine((r) => r.formula !== undefined || r.target !== undefined, { message: 'give the column to predict (target) or a formula', path: ['target'] })
export type StartRunRequest = z.input<typeof startRunSchema>

export const sweepSchema = z.object({
  datasetId: id,
  target: columnName.optional(),
  /** The model as a formula (README "Formulas"): with it, target and features may be omitted. */
  formula: z.string().max(10_000).optional(),
  features: z.array(columnName).max(10_000).optional(),
  config: z.unknown(),
  /** Log-spaced learning rates from min to max (inclusive), `count` of them. */
  learningRates: z
    .object({ min: z.number().positive().finite(), max: z.number().positive().finite(), count: z.number().int().min(1).max(64) })
    .refine((r) => r.min <= r.max, 'the smallest learning rate must not exceed the largest'),
  /** Optional further axis: each optimizer × each learning rate. */
  optimizers: z.array(z.enum(optimizerNames)).min(1).max(optimizerNames.length).optional(),
  name: name.optional(),
}).refine((r) => r.formula !== undefined || r.target !== undefined, { message: 'give the column to predict (target) or a formula', path: ['target'] })
export type SweepRequest = z.input<typeof sweepSchema>

export const lrFinderSchema = z.object({
  datasetId: id,
  target: columnName.optional(),
  /** The model as a formula (README "Formulas"): with it, target and features may be omitted. */
  formula: z.string().max(10_000).optional(),
  features: z.array(columnName).max(10_000).optional(),
  config: z.unknown(),
  minLr: z.number().positive().finite().default(1e-6),
  maxLr: z.number().positive().finite().default(10),
  steps: z.number().int().min(10).max(10_000).default(100),
}).refine((r) => r.formula !== undefined || r.target !== undefined, { message: 'give the column to predict (target) or a formula', path: ['target'] })
export type LrFinderRequest = z.input<typeof lrFinderSchema>

/** The learning-rate oracle before a run: the data as the config prepares them, and its optimizer settings. */
export const curvatureRequestSchema = z.object({
  datasetId: id,
  target: columnName.optional(),
  /** The model as a formula (README "Formulas"): with it, target and features may be omitted. */
  formula: z.string().max(10_000).optional(),
  features: z.array(columnName).max(10_000).optional(),
  config: z.unknown(), // completed and checked by parseTrainConfig
}).refine((r) => r.formula !== undefined || r.target !== undefined, { message: 'give the column to predict (target) or a formula', path: ['target'] })
export type CurvatureRequest = z.input<typeof curvatureRequestSchema>
/** `exact.curvature` of `slope train --json` (model/curvature.ts CurvatureJson). */
export type CurvatureReport = CurvatureJson
export type LrFinderParsed = z.output<typeof lrFinderSchema>

// ---------- a compute worker's reports (from the page, so untrusted) ----------

/**
 * A compute worker's message as the page reports it (`compute.report`), checked field by field
 * before main stores anything of it: what the store keeps and the model file is built from is
 * typed here, the rest must at least be objects. Main also checks the id against the job the
 * reporting page holds.
 */
export const workerEventSchema: z.ZodType<WorkerEvent> = z.lazy(() => {
  /** Any number, NaN and ±Infinity included: a diverged run's losses and metrics are not finite. */
  const anyNumber = z.custom<number>((v) => typeof v === 'number', 'must be a number')
  const count = z.number().int().min(0)
  const jobId = z.string().min(1).max(200)
  const numbers = z.array(anyNumber).max(100_000)
  const text = z.string().max(10_000)
  /** Parts main only stores and shows back (never computes with): checked to be objects, not field by field. */
  const record = <T>(what: string) => z.custom<T>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), `must be ${what}`)

  const metricsSchema = z.object({ mse: anyNumber, rmse: anyNumber, mae: anyNumber, r2: anyNumber })
  const exactSchema = z.discriminatedUnion('available', [
    z.object({ available: z.literal(true), params: numbers, trainLoss: anyNumber, distance: anyNumber }),
    z.object({ available: z.literal(false), reason: text }),
  ])
  const surfaceSchema = record<LossQuadratic>('a loss surface').nullable()

  const maybeNumber = z.number().nullable()
  /** CurvatureJson (model/curvature.ts): the oracle's figures, numbers or null. */
  const curvatureSchema = z.object({
    lambda_max: maybeNumber,
    lambda_min: maybeNumber,
    condition_number: maybeNumber,
    lr_max_stable: maybeNumber,
    lr_optimal: maybeNumber,
    heavy_ball: z.object({ lr: maybeNumber, momentum: maybeNumber }),
    contraction_per_epoch: maybeNumber,
    'epochs_to_1e-6': z.object({ predicted: maybeNumber, observed: maybeNumber }),
    note: z.string().max(10_000).nullable(),
  })

  const preparedInfoSchema = z.object({
    features: z.array(columnName).max(10_000),
    trainRows: count,
    validationRows: count,
    exact: exactSchema.nullable(),
    hessianCondition: anyNumber.nullable(),
    curvature: curvatureSchema.nullable(),
    surface: surfaceSchema,
  })

  const fitOutcomeSchema = z
    .object({
      prepared: z.object({
        target: columnName,
        features: z.array(columnName).max(10_000),
        standardization: z.object({ mean: numbers, scale: numbers }).nullable(),
        imputation: numbers.nullable(),
        missing: z.object({
          policy: z.enum(['error', 'drop', 'mean']),
          droppedRows: count,
          imputed: z.array(z.object({ column: columnName, cells: count, value: anyNumber })).max(10_000),
        }),
        trainRows: count,
        validationRows: count,
      }),
      status: z.enum(['completed', 'diverged', 'cancelled']),
      divergedAt: count.nullable(),
      epochsRun: count,
      stoppedEarly: z.boolean(),
      bestEpoch: count.nullable(),
      loss: f64,
      valLoss: f64.nullable(),
      model: z.object({ weights: numbers, intercept: anyNumber }).nullable(),
      trainingParams: numbers,
      metrics: z.object({ train: metricsSchema, validation: metricsSchema.nullable() }).nullable(),
      exact: exactSchema.nullable(),
      statistics: record<ExactFitStatistics>('least-squares statistics').nullable(),
      trainMs: anyNumber,
      path: z.object({ epochs: z.array(count), params: z.array(numbers) }).nullable(),
      hessianCondition: anyNumber.nullable(),
      curvature: curvatureSchema.nullable(),
      backend: z.object({ name: text, kernel: text, threads: count, note: text.nullable().optional() }).nullable(),
      surface: surfaceSchema,
    })
    .refine((o) => o.model === null || o.model.weights.length === o.prepared.features.length, { message: 'must have one weight per feature', path: ['model', 'weights'] })
    .refine((o) => o.valLoss === null || o.valLoss.length === o.loss.length, { message: 'must have one value per epoch of loss', path: ['valLoss'] })

  return z.discriminatedUnion('type', [
    z.object({ type: z.literal('started'), runId: jobId, info: preparedInfoSchema }),
    z
      .object({ type: z.literal('progress'), runId: jobId, from: count, loss: f64, valLoss: f64.nullable(), params: f64, elapsedMs: anyNumber })
      .refine((p) => p.valLoss === null || p.valLoss.length === p.loss.length, { message: 'must have one value per epoch of loss', path: ['valLoss'] }),
    z.object({ type: z.literal('done'), runId: jobId, outcome: fitOutcomeSchema }),
    z.object({
      type: z.literal('failed'),
      runId: jobId,
      inputError: z.boolean(),
      message: text,
      hint: text,
      where: z.object({ file: z.string().max(1000).optional(), row: z.number().int().optional(), column: z.string().max(1000).optional() }),
    }),
    z
      .object({
        type: z.literal('lr-finder-done'),
        requestId: jobId,
        result: z.object({ learningRates: f64, losses: f64, suggestion: anyNumber.nullable(), stoppedBecause: z.enum(['diverged', 'max-lr']) }),
      })
      .refine((d) => d.result.losses.length === d.result.learningRates.length, { message: 'must have one loss per learning rate', path: ['result', 'losses'] }),
  ])
})

// ---------- results ----------

export interface AppInfo {
  name: string
  version: string
  /** 'electron' for the desktop app, 'web' for browser mode, 'cli' for the slope command. */
  shell: 'electron' | 'web' | 'cli'
  databasePath: string
  cpuCount: number
  /** Files over this size are offered "link instead" on import (README "Linked datasets": link-threshold.ts). */
  linkThresholdBytes: number
}

/**
 * A linked dataset (#17): its files stay where they are and main reads them through DuckDB; the
 * renderer sees these figures and pages of rows (datasets.page), never the whole file.
 */
export interface LinkedDatasetInfo {
  /** linked_datasets.id (the link; DatasetSummary.id is its row in datasets). */
  linkId: number
  /** The absolute path or glob as linked. */
  pattern: string
  format: 'csv' | 'parquet'
  files: number
  bytes: number
  /** Every column of the files with DuckDB's type; numeric ones carry the statistics pass's figures. */
  columns: { name: string; type: string; numeric: boolean; count: number | null; mean: number | null; std: number | null; min: number | null; max: number | null }[]
}

/** One page of a linked dataset's rows, read by DuckDB (LIMIT/OFFSET over the files in path order). */
export interface DatasetPage {
  columns: { name: string; type: string }[]
  /** Cells as text or numbers, null for an empty cell; `offset` is the first row's 0-based index. */
  rows: (number | string | null)[][]
  offset: number
  totalRows: number
}

/** Where a linked run's scan stands (at most ~10 per second per run). */
export interface ScanProgress {
  runId: RunId
  /** 1-based pass over the files: epoch k is pass k + 1 for gradient descent, then its metrics pass (passes = epochs + 1; null with early stopping, when not known ahead); the exact fit has 3 (QR, residuals, metrics). */
  pass: number
  passes: number | null
  rowsRead: number
  rowsTotal: number
  bytesTotal: number
  elapsedMs: number
}

/** What a streamed prediction over a file or glob wrote. */
export interface PredictFileResult {
  out: string
  rows: number
  missingRows: number
  metrics: Metrics | null
}

export interface DatasetSummary {
  id: DatasetId
  name: string
  fileName: string
  sha256: string
  rows: number
  columns: string[]
  excluded: ExcludedColumn[]
  importInfo: Record<string, string | number | boolean | null>
  oneHot: { column: string; reference: string; levels: string[] }[]
  /** Columns of the file as read: numeric ones, text ones (excluded or one-hot encoded) — not the dummies. */
  fileColumns: number
  createdAt: string
  runCount: number
  /** Set for a linked dataset (its rows stay in the files: datasets.get refuses it, datasets.page reads pages); null for imported data. */
  linked: LinkedDatasetInfo | null
}

export interface DatasetData extends DatasetSummary {
  data: Float64Array[]
  firstRowNumber: number
  /** See datasetUploadSchema: spreadsheet rows of data rows after skipped blank rows (table.ts spreadsheetRow). */
  rowGaps: [number, number][]
  /** The preparation last saved for this dataset (or inherited from the previous version of its file); null if never prepared. */
  preparation: DatasetPreparation | null
  /**
   * Text columns a formula can use as factors: levels in code-point order and one code per row (the
   * level's index, NaN for an empty cell; Float64Array so they travel as binary, as `data` does), so
   * the renderer builds a factor's design with the core's one design builder, as training did.
   */
  textColumns: { name: string; levels: string[]; codes: Float64Array }[]
}

/** What a finished gradient-descent or least-squares run produced, in original units. */
export interface StoredOutcome {
  target: string
  features: string[]
  model: { weights: number[]; intercept: number } | null
  trainingParams: number[]
  metrics: { train: Metrics; validation: Metrics | null } | null
  exact: ExactReference | null
  statistics: ExactFitStatistics | null
  standardization: Standardization | null
  imputation: number[] | null
  missing: MissingReport
  trainRows: number
  validationRows: number
  stoppedEarly: boolean
  bestEpoch: number | null
  /** θ along the run in training units (models with ≤ 2 features), for the loss-surface view. */
  path: ParamPath | null
  hessianCondition: number | null
  /** The learning-rate oracle's figures (absent in runs stored before it existed). */
  curvature?: FitOutcome['curvature']
  /** A formula run's formula and its design columns (patsy's names, = features); absent otherwise. */
  formula?: string | null
  terms?: string[]
  backend: FitOutcome['backend']
  surface: FitOutcome['surface']
}

/** What a running run shows before it has an outcome. */
export interface LiveRun {
  info: PreparedInfo
  /** Latest θ (training units). */
  params: Float64Array | null
}

export interface RunSummary {
  id: RunId
  name: string
  datasetId: DatasetId
  datasetName: string
  groupId: string | null
  target: string
  features: string[]
  /** The formula the run was started with (target is then its response, features its design columns); null without one. */
  formula?: string | null
  status: RunStatus
  /** A running run the user paused (it keeps its worker and resumes where it stopped). */
  paused: boolean
  solver: TrainConfig['solver']
  optimizer: TrainConfig['optimizer']
  learningRate: number
  backend: TrainConfig['backend']
  epochs: number
  epochsRun: number
  divergedAt: number | null
  finalLoss: number | null
  bestLoss: number | null
  finalValLoss: number | null
  trainMs: number | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  starred: boolean
  tags: string[]
  notes: string
  error: string | null
  /** A failed run's bad input with the fixes the Train tab offers as buttons (null otherwise). */
  failure?: FixableText | null
}

export interface RunDetail extends RunSummary {
  config: TrainConfig
  loss: Float64Array
  valLoss: Float64Array | null
  /** Wall time since the run started at the end of each stored progress batch (for a time axis). */
  timeline: { epoch: number; elapsedMs: number }[]
  outcome: StoredOutcome | null
  model: ModelDocument | null
  /** For a queued or running run: what is known so far; null once finished. */
  live: LiveRun | null
}

export interface LrFinderResult {
  learningRates: Float64Array
  losses: Float64Array
  /** The fast.ai suggestion: the steepest descent of the smoothed loss; null when the loss never fell. */
  suggestion: number | null
  stoppedBecause: 'diverged' | 'max-lr'
}

export interface PredictionResult {
  target: string
  features: string[]
  predicted: Float64Array
  actual: Float64Array | null
  missingRows: number
  metrics: Metrics | null
  /** lower_/upper_<target> per row when an interval was asked for (exact-fit models only). */
  interval: PredictionInterval | null
}

// ---------- the contract ----------

/** Each request: its argument tuple schema (validated in main) and its result type. */
export const requestSchemas = {
  'app.info': z.tuple([]),
  'datasets.import': z.tuple([datasetUploadSchema]),
  'datasets.list': z.tuple([]),
  'datasets.get': z.tuple([id]),
  'datasets.delete': z.tuple([id, z.object({ withRuns: z.boolean() }).default({ withRuns: false })]),
  /** Saves how a dataset is prepared (target, features, data settings); answered with what was stored. */
  'datasets.prepare': z.tuple([id, datasetPreparationSchema]),
  /** Links a file or glob on this machine in place (one statistics pass); answers with its datasets row. A path linked before and unchanged answers with that link. */
  'datasets.link': z.tuple([z.object({ pattern: z.string().min(1).max(4096), name: name.optional(), relink: z.boolean().default(false) })]),
  /** A page of a linked dataset's rows. */
  'datasets.page': z.tuple([id, z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(100) })]),
  /** Whether a linked dataset's files are as they were when linked: null, or the sentence saying what changed (checkLinkedFiles). */
  'datasets.checkLinked': z.tuple([id]),
  'runs.list': z.tuple([runFilterSchema]),
  'runs.get': z.tuple([id]),
  'runs.rename': z.tuple([id, name]),
  'runs.setStarred': z.tuple([id, z.boolean()]),
  'runs.setTags': z.tuple([id, z.array(z.string().trim().min(1).max(100)).max(50)]),
  'runs.setNotes': z.tuple([id, z.string().max(100_000)]),
  'runs.delete': z.tuple([z.array(id).min(1).max(10_000)]),
  'training.start': z.tuple([startRunSchema]),
  'training.sweep': z.tuple([sweepSchema]),
  'training.cancel': z.tuple([id]),
  'training.pause': z.tuple([id]),
  'training.resume': z.tuple([id]),
  'training.findLearningRate': z.tuple([lrFinderSchema]),
  /** Which learning rates converge on these data, from the Hessian (before any run). */
  'training.curvature': z.tuple([curvatureRequestSchema]),
  'models.export': z.tuple([id]),
  'models.predict': z.tuple([
    z.object({
      runId: id.optional(),
      modelJson: z.string().max(10_000_000).optional(),
      table: datasetUploadSchema,
      interval: z.object({ kind: z.enum(intervalKinds), level: z.number().gt(0).lt(1) }).optional(),
    }),
  ]),
  /** Predictions of a model over a file or glob, streamed from disk to `out` (.csv or .parquet) by DuckDB. */
  'models.predictFile': z.tuple([z.object({ runId: id.optional(), modelJson: z.string().max(10_000_000).optional(), pattern: z.string().min(1).max(4096), out: z.string().min(1).max(4096) })]),
  /** Stops the prediction writing `out` (its job's key: the app never writes two predictions to one file); nothing is written. */
  'models.cancelPredictFile': z.tuple([z.object({ out: z.string().min(1).max(4096) })]),
  /** A least-squares run's per-row diagnostics (and one feature's added-variable residuals when named). */
  'models.diagnostics': z.tuple([id, z.object({ addedVariable: z.string().max(10_000).optional() }).default({})]),
  /** The page offers to compute WebGL runs (it probed WebGL2 in its worker). */
  'compute.register': z.tuple([z.object({ kind: z.literal('webgl'), renderer: z.string().max(500), software: z.boolean() })]),
  /**
   * A message of the page's compute worker about a run main handed it (started, progress, done,
   * failed). Checked against `workerEventSchema` by the compute-provider registry rather than here:
   * a malformed report must also fail the run it was about, and only the registry knows which.
   */
  'compute.report': z.tuple([z.unknown()]),
} as const

export interface Results {
  'app.info': AppInfo
  'datasets.import': DatasetSummary
  'datasets.list': DatasetSummary[]
  'datasets.get': DatasetData
  'datasets.delete': { deletedRuns: number }
  'datasets.prepare': DatasetPreparation
  'datasets.link': DatasetSummary
  'datasets.page': DatasetPage
  'datasets.checkLinked': WireError | null
  'runs.list': RunSummary[]
  'runs.get': RunDetail
  'runs.rename': RunSummary
  'runs.setStarred': RunSummary
  'runs.setTags': RunSummary
  'runs.setNotes': RunSummary
  'runs.delete': { deleted: number }
  'training.start': { runId: RunId }
  'training.sweep': { groupId: string; runIds: RunId[] }
  'training.cancel': RunSummary
  'training.pause': RunSummary
  'training.resume': RunSummary
  'training.findLearningRate': LrFinderResult
  'training.curvature': CurvatureReport
  /** The model JSON document, pretty-printed, ready to save. */
  'models.export': { fileName: string; json: string }
  'models.predict': PredictionResult
  'models.predictFile': PredictFileResult
  /** false when no prediction was writing that file (it had ended). */
  'models.cancelPredictFile': { cancelled: boolean }
  'models.diagnostics': RunDiagnostics
  'compute.register': { providerId: string }
  'compute.report': null
}

export type RequestName = keyof typeof requestSchemas
export type RequestArgs<K extends RequestName> = z.input<(typeof requestSchemas)[K]>
export type ParsedArgs<K extends RequestName> = z.output<(typeof requestSchemas)[K]>

export interface Events {
  /** A run's data are prepared: features, rows and the exact optimum to compare against. */
  'training.started': { runId: RunId; info: PreparedInfo }
  /** New losses of a running run: epochs [from, from + loss.length), and θ after them. At most ~20 per second per run. */
  'training.progress': { runId: RunId; from: number; loss: Float64Array; valLoss: Float64Array | null; params: Float64Array; elapsedMs: number }
  /** A run was created, started, finished, renamed, deleted… — refetch it. */
  /** A linked run's scan moved on (rows read of this pass); the app shows rows per second and an ETA. */
  'training.scan': ScanProgress
  'runs.changed': { runIds: RunId[]; deleted?: boolean }
  'datasets.changed': { datasetIds: DatasetId[]; deleted?: boolean }
  /** To the registered compute provider only: start this run (or learning-rate search) on your GPU. */
  'compute.start': ComputeStart
  /** To the registered compute provider only: cancel, pause or resume a run it computes. */
  'compute.control': { runId: string; action: 'cancel' | 'pause' | 'resume' }
}
export type EventName = keyof Events

/** What main implements: one async function per request, taking the validated arguments. */
export type Handlers = { [K in RequestName]: (...args: ParsedArgs<K>) => Promise<Results[K]> }

/** What renderer code calls (src-renderer/src/api.ts): results, or a thrown ApiError. */
export type Api = { [K in RequestName]: (...args: RequestArgs<K>) => Promise<Results[K]> } & {
  on<K extends EventName>(event: K, listener: (payload: Events[K]) => void): () => void
}

/**
 * What a transport carries: window.api from the preload in Electron, the WebSocket client in browser
 * mode. Results come wrapped in envelopes, because errors thrown across contextBridge lose every
 * property but their message; api.ts unwraps them the same way for both transports.
 */
export interface Transport {
  request(name: RequestName, args: unknown[]): Promise<Envelope<unknown>>
  on(event: EventName, listener: (payload: unknown) => void): () => void
}

export const requestNames = Object.keys(requestSchemas) as RequestName[]
export const eventNames = ['training.started', 'training.progress', 'training.scan', 'runs.changed', 'datasets.changed', 'compute.start', 'compute.control'] as const satisfies readonly EventName[]

// Compile-time completeness of the event list: an event added above but not listed fails to build.
type Unlisted<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>
export const eventNamesComplete: Unlisted<EventName, (typeof eventNames)[number]> = true

/** Results cross the boundary by structured clone or the wire codec: every result type must be plain data. */
export type { ComputeStart, TrainConfig }
export { trainConfigSchema }

// ---------- envelopes (both transports) ----------

/** An error as it crosses the boundary: the sentence parts, never a stack. */
export interface WireError {
  /** True for problems the user can fix (show message + hint); false for internal errors. */
  inputError: boolean
  message: string
  hint: string
  where: { file?: string; row?: number; column?: string }
}

/** Handlers never throw across the boundary (Electron would flatten the error into one string). */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: WireError }

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requestSchemas, name)
}
