import experiment from '../../../resources/examples/tutorial-experiment.json'
import type { RunSummary } from '../../../src-core/contract'
import type { TrainConfig } from '../../../src-core/train/config'

/**
 * The tutorial's experiment as data (resources/examples/tutorial-experiment.json, with its
 * provenance): the settings the Tutorial example applies, and the loss the tutorial prints each
 * epoch, shown beside Slope's.
 */
export const tutorialExperiment = experiment as {
  about: string
  provenance: string
  target: string
  features: string[]
  config: Partial<TrainConfig>
  losses: number[]
}

/**
 * Whether a run is the tutorial's experiment: its data (the example's file), target and features,
 * and every setting the tutorial fixes — only then is its loss comparable epoch by epoch.
 */
export function isTutorialExperiment(run: Pick<RunSummary, 'datasetName' | 'target' | 'features'> & { config: TrainConfig }): boolean {
  if (run.datasetName !== 'tutorial.csv' || run.target !== tutorialExperiment.target || run.features.join('\n') !== tutorialExperiment.features.join('\n')) return false
  const config = run.config as unknown as Record<string, unknown>
  return Object.entries(tutorialExperiment.config).every(([name, value]) => JSON.stringify(config[name]) === JSON.stringify(value))
}

