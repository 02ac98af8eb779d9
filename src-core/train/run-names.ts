/**
 * The names main gives runs it names itself, in one place, so the app can recognize them and show
 * them in the UI language (a stored name stays as main wrote it; a name the user typed is shown as
 * typed). Main: "least squares", "<optimizer> lr=<rate>"; a sweep's runs "<prefix> [<optimizer> ]lr=<rate>",
 * the prefix "sweep" when the user named none.
 */
export interface NamedRun {
  solver: 'gd' | 'lstsq'
  optimizer: string
  learningRate: number
}

export const SWEEP_PREFIX = 'sweep'

/** Three significant digits, as typed ("0.01", "3.16e-3" stays JavaScript's "0.00316"). */
export const runNameRate = (lr: number) => Number(lr.toPrecision(3)).toString()

export function defaultRunName(run: NamedRun): string {
  return run.solver === 'lstsq' ? 'least squares' : `${run.optimizer} lr=${runNameRate(run.learningRate)}`
}

export function sweepRunName(prefix: string, run: NamedRun, withOptimizer: boolean): string {
  return `${prefix} ${withOptimizer ? `${run.optimizer} ` : ''}lr=${runNameRate(run.learningRate)}`
}

/** Which generated name this run carries, or null when it was named (or renamed) by the user. */
export function generatedRunName(name: string, run: NamedRun): 'lstsq' | 'gd' | 'sweep' | 'sweep-optimizer' | null {
  if (name === defaultRunName(run)) return run.solver === 'lstsq' ? 'lstsq' : 'gd'
  if (run.solver === 'lstsq') return null
  if (name === sweepRunName(SWEEP_PREFIX, run, false)) return 'sweep'
  if (name === sweepRunName(SWEEP_PREFIX, run, true)) return 'sweep-optimizer'
  return null
}
