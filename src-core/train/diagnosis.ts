import type { RunDetail } from '../contract'
import type { ExactReference, PreparedInfo } from './fit-model'

/**
 * Plain-language reading of a run: why a fit is good or bad, and what to change. Each finding is a
 * code with numbers; `describeFinding` words it in English (the CLI), the app translates the code.
 * Thresholds are rules of thumb, stated with each check.
 */
export type Finding =
  | { code: 'diverged'; epoch: number; learningRate: number }
  | { code: 'exploding'; factor: number; learningRate: number }
  | { code: 'oscillating'; learningRate: number }
  | { code: 'badly-scaled'; condition: number }
  | { code: 'ill-conditioned'; condition: number }
  | { code: 'converged' }
  | { code: 'still-improving'; relativeGap: number }
  | { code: 'plateau'; relativeGap: number }
  | { code: 'overfitting'; bestEpoch: number }

export interface DiagnosisInput {
  status: 'queued' | 'running' | 'completed' | 'diverged' | 'cancelled' | 'interrupted' | 'failed'
  loss: ArrayLike<number>
  valLoss: ArrayLike<number> | null
  divergedAt: number | null
  learningRate: number
  standardize: boolean
  /** κ of the loss's Hessian on the training design (PreparedInfo.hessianCondition). */
  hessianCondition: number | null
  exact: ExactReference | null
}

export function diagnose(input: DiagnosisInput): Finding[] {
  const findings: Finding[] = []
  const n = input.loss.length
  if (input.status === 'diverged') {
    findings.push({ code: 'diverged', epoch: input.divergedAt ?? n, learningRate: input.learningRate })
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
    findings.push({ code: 'exploding', factor: last / input.loss[0]!, learningRate: input.learningRate })
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

export function describeFinding(f: Finding): string {
  switch (f.code) {
    case 'diverged':
      return `The loss blew up at epoch ${f.epoch}: the learning rate ${f.learningRate} is too large for this data. Lower it (try ${smaller(f.learningRate, 10)}) or standardize the inputs.`
    case 'exploding':
      return `The loss grew ${formatCount(f.factor)}× since the first epoch and is still growing: the learning rate ${f.learningRate} is too large, and more epochs would overflow. Lower it (try ${smaller(f.learningRate, 10)}) or standardize the inputs.`
    case 'oscillating':
      return `The loss goes up and down: the steps overshoot (momentum, Adam or mini-batch noise at learning rate ${f.learningRate}). Lower the learning rate (e.g. to ${smaller(f.learningRate, 3)}) or the momentum.`
    case 'badly-scaled':
      return `The features are badly scaled (the loss curves ${formatCount(f.condition)}× more steeply in one direction than another), so gradient descent crawls along the flat one. Standardize the inputs.`
    case 'ill-conditioned':
      return `Some features are nearly collinear (curvature ratio ${formatCount(f.condition)}×), so gradient descent converges slowly in one direction. Drop a redundant feature, or use momentum or Adam.`
    case 'converged':
      return 'The run reached the exact least-squares fit.'
    case 'still-improving':
      return `Still improving at the last epoch, ${formatPercent(f.relativeGap)} above the exact optimum: train for more epochs or raise the learning rate.`
    case 'plateau':
      return `The loss has stalled ${formatPercent(f.relativeGap)} above the exact optimum: raise the learning rate, standardize the inputs, or try Adam.`
    case 'overfitting':
      return `The validation loss was lowest at epoch ${f.bestEpoch} and has risen since: the model fits noise; use early stopping or fewer features.`
  }
}

/** A smaller learning rate to suggest, in two significant digits (0.3 / 3 → 0.1, not 0.09999…). */
export function smaller(lr: number, factor: number): number {
  return Number((lr / factor).toPrecision(2))
}

function formatCount(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '∞'
}

function formatPercent(x: number): string {
  return x >= 10 ? `${Math.round(x)}×` : `${Number((x * 100).toPrecision(2))} %`
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
    standardize: run.config.standardize,
    hessianCondition: run.outcome?.hessianCondition ?? prepared?.hessianCondition ?? null,
    exact: run.outcome?.exact ?? prepared?.exact ?? null,
  })
}
