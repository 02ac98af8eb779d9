import type { RunDetail, RunStatus } from '../contract'
import { diagnosisMessages, findingKey, findingParams, interpolate } from './diagnosis-messages'
import type { CurvatureJson } from '../model/curvature'
import type { ExactReference, PreparedInfo } from './fit-model'

/**
 * Plain-language reading of a run: why a fit is good or bad, and what to change. Each finding is a
 * code with numbers; its words live in diagnosis-messages.ts (English and Chinese templates):
 * `describeFinding` renders the English one for the CLI, the app shows either through vue-i18n.
 * Thresholds are rules of thumb, stated with each check.
 */
export type Finding =
  /** No stable rate is known (adaptive optimizer, mini-batches, no spectrum): a tenth of the rate to try. */
  | { code: 'diverged'; epoch: number; learningRate: number }
  /** The oracle's figures: the rate against the largest stable one, and the fastest constant rate. */
  | { code: 'diverged-unstable'; epoch: number; learningRate: number; maxStable: number; optimal: number }
  | { code: 'exploding'; factor: number; learningRate: number }
  | { code: 'exploding-unstable'; factor: number; learningRate: number; maxStable: number; optimal: number }
  | { code: 'oscillating'; learningRate: number }
  /** Plain full-batch SGD far below the fastest constant rate: what that rate would take. */
  | { code: 'slow-rate'; learningRate: number; optimal: number; epochs: number }
  | { code: 'badly-scaled'; condition: number }
  | { code: 'ill-conditioned'; condition: number }
  | { code: 'converged' }
  | { code: 'still-improving'; relativeGap: number }
  | { code: 'plateau'; relativeGap: number }
  | { code: 'overfitting'; bestEpoch: number }

export interface DiagnosisInput {
  status: RunStatus
  loss: ArrayLike<number>
  valLoss: ArrayLike<number> | null
  divergedAt: number | null
  learningRate: number
  standardize: boolean
  /** κ of the loss's Hessian on the training design (PreparedInfo.hessianCondition). */
  hessianCondition: number | null
  exact: ExactReference | null
  /** SGD momentum (the slow-rate advice is for plain gradient descent). */
  momentum?: number
  /** The learning-rate oracle's figures for the run (null: not computed, e.g. runs stored before it). */
  curvature?: CurvatureJson | null
}

/** The oracle's stable and fastest rates, where it claims them (full-batch SGD). */
function oracleRates(c: CurvatureJson | null | undefined): { maxStable: number; optimal: number } | null {
  return c && c.lr_max_stable !== null && c.lr_optimal !== null ? { maxStable: c.lr_max_stable, optimal: c.lr_optimal } : null
}

export function diagnose(input: DiagnosisInput): Finding[] {
  const findings: Finding[] = []
  const n = input.loss.length
  const rates = oracleRates(input.curvature)
  const lr = input.learningRate
  // Advice from the Hessian when the rate is past the stable edge; otherwise a tenth of the rate.
  const unstable = rates !== null && lr > rates.maxStable
  if (input.status === 'diverged') {
    const epoch = input.divergedAt ?? n
    findings.push(unstable ? { code: 'diverged-unstable', epoch, learningRate: lr, ...rates } : { code: 'diverged', epoch, learningRate: lr })
  }
  // Gradient descent needs about κ epochs per e-fold in the flattest direction; above ~100 that
  // direction crawls. Unstandardized, that is a scaling problem (the tutorial's intercept with x
  // around 6 gives κ ≈ 330); standardized, what remains is collinearity between features.
  const kappa = input.hessianCondition
  if (kappa !== null && kappa > 100) findings.push(input.standardize ? { code: 'ill-conditioned', condition: kappa } : { code: 'badly-scaled', condition: kappa })
  if (input.status === 'diverged' || n < 10) return findings

  const last = input.loss[n - 1]!
  // Still finite at the end, but growing geometrically: it would overflow given more epochs.
  if (last > 10 * input.loss[0]! && last > input.loss[n - 2]!) {
    const factor = last / input.loss[0]!
    findings.push(unstable ? { code: 'exploding-unstable', factor, learningRate: lr, ...rates } : { code: 'exploding', factor, learningRate: lr })
    return findings
  }
  if (isOscillating(input.loss)) findings.push({ code: 'oscillating', learningRate: input.learningRate })
  if (input.exact?.available) {
    const optimum = input.exact.trainLoss
    const relativeGap = (last - optimum) / Math.max(Math.abs(optimum), 1e-300)
    if (relativeGap < 1e-6) findings.push({ code: 'converged' })
    else {
      // Improvement over the last tenth of the run, relative to the gap still left.
      const earlier = input.loss[Math.floor(n * 0.9)]!
      const recentGain = (earlier - last) / Math.max(last - optimum, 1e-300)
      findings.push(recentGain < 0.01 ? { code: 'plateau', relativeGap } : { code: 'still-improving', relativeGap })
      // Far below the fastest constant rate (a third of it or less): say what that rate would take.
      const epochs = rates && (input.momentum ?? 0) === 0 ? predictedAtOptimal(input.curvature!) : null
      if (rates && epochs !== null && lr <= rates.optimal / 3) findings.push({ code: 'slow-rate', learningRate: lr, optimal: rates.optimal, epochs })
    }
  }
  if (input.valLoss && input.valLoss.length === n) {
    let best = 0
    for (let i = 1; i < n; i++) if (input.valLoss[i]! < input.valLoss[best]!) best = i
    // Validation loss rising for the last fifth of the run while it was lower before: overfitting.
    if (best < n * 0.8 && input.valLoss[n - 1]! > input.valLoss[best]! * 1.05) findings.push({ code: 'overfitting', bestEpoch: best })
  }
  return findings
}

/**
 * Epochs to 1e-6 at the optimal rate, from the run's own prediction: for plain GD the loss gap
 * contracts by ρ² per epoch with ρ = max|1 − lr·λ|, so at lr_optimal ρ = (κ − 1)/(κ + 1).
 */
function predictedAtOptimal(c: CurvatureJson): number | null {
  const kappa = c.condition_number
  if (kappa === null || !Number.isFinite(kappa)) return null
  const rho = (kappa - 1) / (kappa + 1)
  return rho <= 0 ? 1 : Math.max(1, Math.ceil(Math.log(1e-6) / (2 * Math.log(rho))))
}

/** The last 50 epochs (or fewer) go up and down more than a third of the time, with real amplitude. */
function isOscillating(loss: ArrayLike<number>): boolean {
  const n = loss.length
  const start = Math.max(1, n - 50)
  let ups = 0
  let steps = 0
  let swing = 0
  for (let i = start; i < n; i++) {
    const d = loss[i]! - loss[i - 1]!
    steps++
    if (d > 0) ups++
    swing = Math.max(swing, Math.abs(d) / Math.max(loss[i]!, 1e-300))
  }
  return steps >= 10 && ups / steps > 1 / 3 && swing > 1e-3
}

/** The finding in English, as the CLI prints it: the same template the app shows, rendered here. */
export function describeFinding(f: Finding): string {
  return interpolate(diagnosisMessages.en[findingKey(f.code)], findingParams(f))
}

/** The findings for a stored or live run (what the CLI prints and the app shows). */
export function diagnoseRun(
  run: Pick<RunDetail, 'status' | 'divergedAt' | 'config' | 'outcome' | 'live'> & { loss: ArrayLike<number>; valLoss: ArrayLike<number> | null },
  /** What the worker reported before the first epoch, when the caller holds it apart from the run. */
  prepared: PreparedInfo | null = run.live?.info ?? null,
): Finding[] {
  return diagnose({
    status: run.status,
    loss: run.loss,
    valLoss: run.valLoss,
    divergedAt: run.divergedAt,
    learningRate: run.config.learningRate,
    momentum: run.config.optimizer === 'sgd' ? run.config.momentum : undefined,
    standardize: run.config.standardize,
    hessianCondition: run.outcome?.hessianCondition ?? prepared?.hessianCondition ?? null,
    exact: run.outcome?.exact ?? prepared?.exact ?? null,
    curvature: run.outcome?.curvature ?? prepared?.curvature ?? null,
  })
}
