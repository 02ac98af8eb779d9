import { curvatureJson, hessianSpectrum, learningRateOracle, observedEpochsTo, type CurvatureJson, type LearningRateOracle, type SpectrumUnavailable } from '../model/curvature'
import { prepareData, type DesignPart } from '../table/prepare'
import type { Table } from '../table/table'
import type { TrainConfig } from './config'
import { prepareOptions } from './fit-model'
import { optimizerModule } from './optimizers/registry'

/**
 * The learning-rate oracle for one run: the Hessian of its training loss as it trains (standardized
 * or not, with the intercept's column, L2 weight decay on the weights' diagonal) and what it implies
 * for the run's optimizer settings (model/curvature.ts; derivations in docs/learning-rates.md).
 * Computed once per run, before the first epoch; the same figures reach the CLI, the app, the
 * diagnosis and the model file.
 */
export interface RunCurvature {
  oracle: LearningRateOracle | SpectrumUnavailable
  /** κ for the diagnosis (Infinity when singular); null when not computed. */
  condition: number | null
  /** The oracle proves this run cannot converge: full-batch SGD at a constant rate above lr_max_stable. */
  unstable: boolean
  json: CurvatureJson
}

export function runCurvature(train: DesignPart, features: number, config: TrainConfig): RunCurvature {
  // Decoupled decay (AdamW) is no curvature of the loss; L2 in the gradient is.
  const weightDecay = optimizerModule(config.optimizer).weightDecay === 'l2' ? config.weightDecay : 0
  const spectrum = hessianSpectrum({ X: train.X, rows: train.rows, features, intercept: config.intercept, weightDecay })
  if (!spectrum.available) return { oracle: spectrum, condition: null, unstable: false, json: curvatureJson(spectrum) }
  const oracle = learningRateOracle(spectrum, config)
  const unstable = oracle.lrMaxStable !== null && !oracle.approximate && config.schedule.kind === 'constant' && config.learningRate > oracle.lrMaxStable
  return { oracle, condition: spectrum.conditionNumber, unstable, json: curvatureJson(oracle) }
}

/**
 * The figures after a run: `epochs_to_1e-6.observed` from its history against the exact optimum's
 * loss. Only without weight decay: with it the run converges to another minimum than least squares.
 */
export function withObserved(json: CurvatureJson, loss: ArrayLike<number>, optimumLoss: number | null, weightDecay: number): CurvatureJson {
  const observed = optimumLoss !== null && weightDecay === 0 ? observedEpochsTo(loss, optimumLoss) : null
  return { ...json, 'epochs_to_1e-6': { ...json['epochs_to_1e-6'], observed } }
}

/** Above this many multiply-adds (rows × parameters²) the figures are left to the run's worker: main never computes for long. */
export const REPORT_MAX_WORK = 5e7

/**
 * The oracle's figures for a dataset and settings before any run: what the Train tab, the sweep
 * dialog and `slope lr` show. The data are prepared exactly as a run would prepare them.
 */
export function curvatureReport(table: Table, target: string, features: readonly string[] | undefined, config: TrainConfig, maxWork = REPORT_MAX_WORK): CurvatureJson {
  const prepared = prepareData(table, prepareOptions(config, target, features))
  const p = prepared.features.length + (config.intercept ? 1 : 0)
  if (prepared.train.rows * p * p > maxWork) {
    return curvatureJson({ available: false, parameters: p, reason: `With ${prepared.train.rows.toLocaleString('en-US')} training rows the figures are computed when a run starts (its first line shows them).` })
  }
  return runCurvature(prepared.train, prepared.features.length, config).json
}
