import type { BackendDescription, ComputeBackend } from '../backends/backend'
import { CpuBackend } from '../backends/cpu/cpu-backend'
import { isInputError } from '../errors'
import type { CurvatureJson } from '../model/curvature'
import { lossQuadratic, type LossQuadratic } from '../model/loss-surface'
import type { SegmentThreads } from '../model/least-squares-segments'
import { leastSquares } from '../model/least-squares'
import { computeMetrics, predictRows, type Metrics } from '../model/metrics'
import { regressionReport, type ExactFitStatistics } from '../model/regression-report'
import { prepareData, type DesignPart, type PrepareOptions, type PreparedData } from '../table/prepare'
import { unstandardize } from '../table/standardize'
import type { Table } from '../table/table'
import type { TrainConfig } from './config'
import { exactFitOutcome } from './exact-fit-outcome'
import { initialParams } from './init-params'
import { runCurvature, withObserved } from './learning-rates'
import type { ParamPath } from './param-path'
import { runTrainingLoop, type LoopHooks, type RunStatus } from './train-loop'

/** What is known once the data are prepared, before the first epoch (for live displays). */
export interface PreparedInfo {
  features: string[]
  trainRows: number
  validationRows: number
  exact: ExactReference | null
  /** Condition number of the loss's Hessian on the training design (see model/curvature.ts); null if too many features. */
  hessianCondition: number | null
  /** The learning-rate oracle's figures for this run (`exact.curvature` of `slope train --json`); null for least squares. */
  curvature: CurvatureJson | null
  /** The loss as a quadratic form in θ (training units), for models with ≤ 3 parameters. */
  surface: LossQuadratic | null
  /** A formula run's formula and design columns (added by the training service, which builds the design). */
  formula?: string
  terms?: string[]
}

export interface FitHooks extends LoopHooks {
  onPrepared?: (info: PreparedInfo) => void
}

export interface FitRequest {
  table: Table
  target: string
  /** Default: every numeric column but the target. */
  features?: readonly string[]
  config: TrainConfig
  /** Gradient descent backend; default: a new CpuBackend in the config's precision. */
  backend?: ComputeBackend
  /** Helper threads for an exact fit's row segments (the training worker's pool); the fit is bit-identical without them. */
  lstsqThreads?: SegmentThreads | null
  hooks?: FitHooks
}

/** The exact least-squares optimum beside a gradient-descent run, in the run's own units. */
export type ExactReference =
  | {
      available: true
      /** θ* = (w*, b*) in training units: directly comparable with the run's parameters. */
      params: number[]
      /** Training MSE at θ*: the lowest loss any run on these rows can reach. */
      trainLoss: number
      /** ‖θ − θ*‖₂ at the end of the run. */
      distance: number
    }
  | { available: false; reason: string }

export interface FitOutcome {
  prepared: Omit<PreparedData, 'train' | 'validation'> & { trainRows: number; validationRows: number }
  status: RunStatus
  divergedAt: number | null
  epochsRun: number
  stoppedEarly: boolean
  bestEpoch: number | null
  loss: Float64Array
  valLoss: Float64Array | null
  /** The fitted model in original units; null when the run diverged. */
  model: { weights: number[]; intercept: number } | null
  /** Final θ in training units. */
  trainingParams: number[]
  metrics: { train: Metrics; validation: Metrics | null } | null
  exact: ExactReference | null
  /** Least-squares statistics (solver lstsq only). */
  statistics: ExactFitStatistics | null
  trainMs: number
  /** θ along the run (training units), for one- and two-feature models; null otherwise. */
  path: ParamPath | null
  /** κ of the loss's Hessian on the training design (null for least squares or many features). */
  hessianCondition: number | null
  /** The oracle's figures with the observed epochs to 1e-6 (null for least squares). */
  curvature: CurvatureJson | null
  /** Which backend trained it and how (null for least squares). */
  backend: ({ name: string } & BackendDescription) | null
  /** See PreparedInfo.surface. */
  surface: LossQuadratic | null
}

/** Prepare the data, fit by the configured solver, and describe the result in original units. */
export async function fitModel(request: FitRequest): Promise<FitOutcome> {
  const { config } = request
  const lstsq = config.solver === 'lstsq'
  const prepared = prepareData(request.table, prepareOptions(config, request.target, request.features))
  const { train, validation, ...rest } = prepared
  const summary = { ...rest, trainRows: train.rows, validationRows: validation?.rows ?? 0 }
  const d = prepared.features.length

  if (lstsq) {
    const clock = request.hooks?.clock ?? (() => performance.now())
    const started = clock()
    const input = { X: train.X, y: train.y, features: prepared.features, intercept: config.intercept }
    const fit = leastSquares(input, { threads: request.lstsqThreads ?? null })
    const trainMs = clock() - started
    const report = regressionReport(input, fit, { covariance: config.covariance, ciLevel: config.ciLevel })
    return exactFitOutcome(fit, {
      prepared: summary,
      metrics: metricsOf(train, validation, [...fit.weights, fit.intercept]),
      statistics: { ...fit, report },
      trainMs,
      surface: lossQuadratic(train.X, train.y, train.rows, d, config.intercept),
    })
  }

  const backend = request.backend ?? new CpuBackend(config.precision)
  try {
    await backend.load(toBackendData(train, d), validation && toBackendData(validation, d))
    const init = initialParams(config.init, prepared.features, config.intercept, config.seed)
    // The exact optimum does not depend on the run: computed first, so a live view can show the gap.
    const optimum = exactOptimum(train, prepared.features, config.intercept)
    const curvature = runCurvature(train, d, config)
    const kappa = curvature.condition
    const surface = lossQuadratic(train.X, train.y, train.rows, d, config.intercept)
    request.hooks?.onPrepared?.({
      features: prepared.features,
      trainRows: train.rows,
      validationRows: validation?.rows ?? 0,
      exact: optimum.available ? { ...optimum, distance: distanceTo(optimum.params, init) } : optimum,
      hessianCondition: kappa,
      curvature: curvature.json,
      surface,
    })
    if (config.precision === 'f32') for (let i = 0; i < init.length; i++) init[i] = Math.fround(init[i]!)
    const result = runTrainingLoop(
      backend,
      config,
      { features: d, trainRows: train.rows, hasValidation: validation !== null, unstableRate: curvature.unstable },
      init,
      request.hooks,
    )
    const params = Array.from(result.params)
    const usable = result.status !== 'diverged' && params.every(Number.isFinite)
    return {
      prepared: summary,
      status: result.status,
      divergedAt: result.divergedAt,
      epochsRun: result.epochsRun,
      stoppedEarly: result.stoppedEarly,
      bestEpoch: result.bestEpoch,
      loss: result.loss,
      valLoss: result.valLoss,
      model: usable ? unstandardize(params.slice(0, d), params[d]!, prepared.standardization) : null,
      trainingParams: params,
      metrics: usable ? metricsOf(train, validation, params) : null,
      exact: optimum.available ? { ...optimum, distance: distanceTo(optimum.params, params) } : optimum,
      statistics: null,
      trainMs: result.trainMs,
      path: result.path,
      hessianCondition: kappa,
      curvature: withObserved(curvature.json, result.loss, optimum.available ? optimum.trainLoss : null, config.weightDecay),
      backend: { name: backend.name, ...(backend.describe?.() ?? { kernel: backend.name, threads: 1 }) },
      surface,
    }
  } finally {
    backend.dispose()
  }
}

/** How a run's configuration prepares its data (shared by training and the learning-rate finder). */
export function prepareOptions(config: TrainConfig, target: string, features?: readonly string[]): PrepareOptions {
  return {
    target,
    features,
    missing: config.missing,
    validationFraction: config.validationFraction,
    seed: config.seed,
    // QR with column scaling needs no standardization, and solving in original units gives the
    // standard errors of the original coefficients directly.
    standardize: config.standardize && config.solver !== 'lstsq',
    intercept: config.intercept,
  }
}

export function toBackendData(part: DesignPart, features: number) {
  return { X: part.X, y: part.y, rows: part.rows, features }
}

function metricsOf(train: DesignPart, validation: DesignPart | null, params: number[]) {
  const d = params.length - 1
  const w = params.slice(0, d)
  const b = params[d]!
  return {
    train: computeMetrics(predictRows(train.X, w, b), train.y),
    validation: validation ? computeMetrics(predictRows(validation.X, w, b), validation.y) : null,
  }
}

type Optimum = { available: true; params: number[]; trainLoss: number } | { available: false; reason: string }

/** θ* on the same (standardized) training rows the run saw; unavailable when the fit is not unique. */
export function exactOptimum(train: DesignPart, features: readonly string[], intercept: boolean): Optimum {
  try {
    const fit = leastSquares({ X: train.X, y: train.y, features, intercept })
    return { available: true, params: [...fit.weights, fit.intercept], trainLoss: fit.rss / fit.rows }
  } catch (e) {
    if (isInputError(e)) return { available: false, reason: e.message }
    throw e
  }
}

/** ‖θ − θ*‖₂ */
export function distanceTo(optimum: readonly number[], params: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < optimum.length; i++) sum += (params[i]! - optimum[i]!) ** 2
  return Math.sqrt(sum)
}
