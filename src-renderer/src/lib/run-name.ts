import { optimizerLabel } from '../../../src-core/train/optimizers/registry'
import { generatedRunName, runNameRate, type NamedRun } from '../../../src-core/train/run-names'

type Translate = (key: string, named: Record<string, unknown>) => string

/**
 * A run's name in the UI language: the names main generates ("least squares", "sgd lr=0.01",
 * "sweep lr=0.01") are stored in English and recognized here (core's run-names), so 简体中文 shows
 * "最小二乘", "SGD 学习率 0.01"; a name the user gave or changed is shown as it is.
 */
export function runName(run: NamedRun & { name: string }, t: Translate): string {
  const kind = generatedRunName(run.name, run)
  if (kind === null) return run.name
  const label = run.solver === 'lstsq' ? '' : optimizerLabel(run.optimizer)
  return t(`runs.names.${kind}`, { label, lr: runNameRate(run.learningRate) })
}
