import { InputError } from '../errors'
import { featureMeans, rowsPassingPolicy, type MissingPolicy, type MissingReport } from './missing'
import { splitRows } from './split'
import { fitStandardization, type Standardization } from './standardize'
import type { Table } from './table'

export interface PrepareOptions {
  target: string
  /** Default: every column of the table but the target. */
  features?: readonly string[]
  missing: MissingPolicy
  /** Share of rows held out for validation, 0 ≤ f < 1. */
  validationFraction: number
  seed: number
  standardize: boolean
  /** Whether the model has an intercept; without one, standardization only scales. */
  intercept: boolean
}

/** One part (train or validation) as the compute backends take it. */
export interface DesignPart {
  /** Row-major n × d features (standardized when requested): one fused pass reads each row once. */
  X: Float64Array
  y: Float64Array
  rows: number
  /** Data-row indices in the source table, for mapping results back. */
  sourceRows: Uint32Array
}

export interface PreparedData {
  target: string
  features: string[]
  train: DesignPart
  validation: DesignPart | null
  standardization: Standardization | null
  /** Under 'mean': the value filled into each feature's gaps (original units), else null. */
  imputation: number[] | null
  missing: MissingReport
}

export function prepareData(table: Table, options: PrepareOptions): PreparedData {
  const targetIndex = table.indexOf(options.target)
  if (targetIndex < 0) table.column(options.target) // throws the precise message
  const features = options.features ? [...options.features] : table.names.filter((n) => n !== options.target)
  if (features.length === 0) {
    throw new InputError(
      `There is no feature column: the file has only the target "${options.target}".`,
      'Add at least one numeric column to predict from.',
      { file: table.source.file },
    )
  }
  const seen = new Set<string>()
  for (const f of features) {
    if (f === options.target) {
      throw new InputError(`Column "${f}" is the target, so it cannot also be a feature.`, 'Remove it from the features.', { column: f })
    }
    if (seen.has(f)) throw new InputError(`Feature "${f}" is listed twice.`, 'List each feature once.', { column: f })
    seen.add(f)
    table.column(f) // throws for unknown or text columns
  }
  const featureIndex = features.map((f) => table.indexOf(f))

  const { rows, dropped } = rowsPassingPolicy(table, targetIndex, featureIndex, options.missing)
  if (rows.length < 2) {
    throw new InputError(
      `Only ${rows.length} usable row${rows.length === 1 ? '' : 's'} remain${rows.length === 1 ? 's' : ''}${dropped ? ` after dropping ${dropped} with missing values` : ''}.`,
      'A regression needs at least 2 rows; check the file and the missing-value policy.',
      { file: table.source.file },
    )
  }
  const split = splitRows(rows, options.validationFraction, options.seed)
  const imputation = options.missing === 'mean' ? featureMeans(table, featureIndex, split.train) : null
  const featureColumns = featureIndex.map((c, j) => {
    const col = table.columns[c]!
    if (!imputation) return col
    const filled = col.slice()
    for (let i = 0; i < filled.length; i++) if (Number.isNaN(filled[i]!)) filled[i] = imputation[j]!
    return filled
  })
  const target = table.columns[targetIndex]!
  checkTargetVaries(target, split.train, options.target, table.source.file)
  const standardization = options.standardize
    ? fitStandardization(featureColumns, features, split.train, options.intercept)
    : null

  const imputedCells = imputation
    ? featureIndex.map((c) => countMissing(table.columns[c]!, rows))
    : []
  return {
    target: options.target,
    features,
    train: buildPart(featureColumns, target, split.train, standardization),
    validation: split.validation.length ? buildPart(featureColumns, target, split.validation, standardization) : null,
    standardization,
    imputation,
    missing: {
      policy: options.missing,
      droppedRows: dropped,
      imputed: imputation
        ? features.map((column, j) => ({ column, cells: imputedCells[j]!, value: imputation[j]! })).filter((r) => r.cells > 0)
        : [],
    },
  }
}

function countMissing(col: Float64Array, rows: Uint32Array): number {
  let n = 0
  for (const r of rows) if (Number.isNaN(col[r]!)) n++
  return n
}

function checkTargetVaries(y: Float64Array, rows: Uint32Array, name: string, file?: string): void {
  const first = y[rows[0]!]!
  for (const r of rows) if (y[r] !== first) return
  throw new InputError(
    `The target "${name}" has the same value (${first}) in every training row, so there is nothing to fit.`,
    'Pick a target column whose values vary.',
    { file, column: name },
  )
}

/** Row-major design block: standardization applied here, once, not in every epoch. */
export function buildPart(
  columns: readonly Float64Array[],
  target: Float64Array,
  rows: Uint32Array,
  st: Standardization | null,
): DesignPart {
  const n = rows.length
  const d = columns.length
  const X = new Float64Array(n * d)
  const y = new Float64Array(n)
  for (let j = 0; j < d; j++) {
    const col = columns[j]!
    const m = st ? st.mean[j]! : 0
    const s = st ? st.scale[j]! : 1
    for (let k = 0; k < n; k++) X[k * d + j] = (col[rows[k]!]! - m) / s
  }
  for (let k = 0; k < n; k++) y[k] = target[rows[k]!]!
  return { X, y, rows: n, sourceRows: rows }
}
