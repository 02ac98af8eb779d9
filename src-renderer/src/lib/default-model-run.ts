import type { RunId, RunSummary } from '../../../src-core/contract'

type Ranked = Pick<RunSummary, 'id' | 'status' | 'finalLoss' | 'finalValLoss'>

/** Runs that may have a model to predict with (main says why when one has none). */
export const mayHaveModel = (r: Pick<RunSummary, 'status'>): boolean => r.status === 'completed' || r.status === 'cancelled'

/**
 * The run the Model file and Predict pickers start on: the Train tab's run when the picker offers
 * it; else the best completed run of the selection (a sweep's runs, the Runs tab's choice) — lowest
 * validation loss when any of them has one (it measures the fit on rows the run did not train on),
 * else lowest training loss; else the first completed run of the selection; else the newest
 * completed run offered; else the newest offered. The newest run of a sweep is only the last
 * learning rate tried, seldom the model anyone wants.
 *
 * `offered` is the picker's list, newest first (runs.list's order).
 */
export function defaultModelRun(trainRunId: RunId | null, selection: readonly RunId[], offered: readonly Ranked[]): RunId | null {
  const byId = new Map(offered.map((r) => [r.id, r]))
  if (trainRunId !== null && byId.has(trainRunId)) return trainRunId
  const completed = selection.map((id) => byId.get(id)).filter((r): r is Ranked => r?.status === 'completed')
  const best = lowest(completed, (r) => r.finalValLoss) ?? lowest(completed, (r) => r.finalLoss)
  if (best) return best.id
  if (completed[0]) return completed[0].id
  return (offered.find((r) => r.status === 'completed') ?? offered[0])?.id ?? null
}

/** The run with the smallest finite `loss`; the first of equals; undefined when none has one. */
function lowest(runs: readonly Ranked[], loss: (r: Ranked) => number | null): Ranked | undefined {
  let best: Ranked | undefined
  for (const r of runs) {
    const x = loss(r)
    if (x === null || !Number.isFinite(x)) continue
    if (!best || x < loss(best)!) best = r
  }
  return best
}
