import type { LeastSquaresFit } from '../model/least-squares'
import type { FitOutcome } from './fit-model'

/**
 * An exact least-squares fit as a run's outcome — in memory (fit-model.ts), streamed from linked files in
 * src-main/linked/linked-run-store.ts: no epochs and no loss curve, θ the fit's own. Types only
 * here, so main and the CLI's linked path build it without loading the training kernels.
 */
export function exactFitOutcome(fit: LeastSquaresFit, parts: Pick<FitOutcome, 'prepared' | 'metrics' | 'statistics' | 'trainMs' | 'surface'>): FitOutcome {
  return {
    ...parts,
    status: 'completed',
    divergedAt: null,
    epochsRun: 0,
    stoppedEarly: false,
    bestEpoch: null,
    loss: new Float64Array(0),
    valLoss: null,
    model: { weights: fit.weights, intercept: fit.intercept },
    trainingParams: [...fit.weights, fit.intercept],
    exact: null,
    path: null,
    hessianCondition: null,
    curvature: null,
    backend: null,
  }
}
