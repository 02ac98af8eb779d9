import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../src-core/contract'
import { defaultModelRun } from './default-model-run'

type R = Pick<RunSummary, 'id' | 'status' | 'finalLoss' | 'finalValLoss'>
const run = (id: number, finalLoss: number | null, finalValLoss: number | null = null, status: RunSummary['status'] = 'completed'): R => ({ id, status, finalLoss, finalValLoss })

// A sweep of four rates, newest first as runs.list has them: #4 (the last rate tried) diverged, #2 is best.
const sweep = [run(4, null, null, 'diverged'), run(3, 0.5), run(2, 0.2), run(1, 0.9)]

describe('the run the model and predict pickers start on', () => {
  it('is the Train tab’s run when the picker offers it, whatever the selection', () => {
    expect(defaultModelRun(3, [1, 2, 3, 4], sweep)).toBe(3)
  })

  it('else the completed run of the selection with the lowest training loss — not the newest member', () => {
    expect(defaultModelRun(null, [1, 2, 3, 4], sweep)).toBe(2)
    // A Train tab run the picker does not offer (Predict lists only runs with a model) does not count.
    expect(defaultModelRun(9, [1, 2, 3, 4], sweep)).toBe(2)
  })

  it('validation loss decides when a run has one, even against a lower training loss', () => {
    const runs = [run(3, 0.1, 0.8), run(2, 0.3, 0.4), run(1, 0.05)]
    expect(defaultModelRun(null, [1, 2, 3], runs)).toBe(2)
  })

  it('only completed runs of the selection compete; a cancelled or running run with a lower loss does not win', () => {
    const runs = [run(3, 0.01, null, 'cancelled'), run(2, 0.001, null, 'running'), run(1, 0.7)]
    expect(defaultModelRun(null, [1, 2, 3], runs)).toBe(1)
  })

  it('completed runs without a loss (exact least squares): the first of the selection', () => {
    expect(defaultModelRun(null, [5, 6], [run(6, null), run(5, null)])).toBe(5)
  })

  it('without a selection: the newest completed run offered, else the newest, else none', () => {
    expect(defaultModelRun(null, [], sweep)).toBe(3)
    expect(defaultModelRun(null, [], [run(7, null, null, 'running')])).toBe(7)
    expect(defaultModelRun(null, [], [])).toBeNull()
  })
})
