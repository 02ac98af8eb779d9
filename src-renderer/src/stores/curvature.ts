import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { CurvatureReport, CurvatureRequest } from '../../../src-core/contract'
import { optimizerModule } from '../../../src-core/train/optimizers/registry'
import { api } from '../api'
import { useDatasets } from './datasets'
import { useSetup } from './setup'

/** The rates that converge, drawn on the learning-rate slider: up to `max`, a mark at `optimal`. */
export interface StableBand {
  max: number
  optimal: number | null
  /** Mini-batches: the full-batch figures, an approximation. */
  approximate: boolean
}

/** Quiet time after the last change before main is asked: one request per pause in typing or dragging. */
const DEBOUNCE_MS = 150

/**
 * The learning-rate oracle for the run being prepared (`training.curvature`: which rates converge on
 * this data, the fastest one, the epochs the chosen rate needs). Asked again whenever something it
 * depends on changes on the Data or Train tab; only for gradient descent, and only for a config that
 * checks out (its problem is already shown beside the settings). Answers that arrive after a newer
 * request was sent are dropped, so a slow answer never overwrites a fresh one.
 */
export const useCurvature = defineStore('curvature', () => {
  const setup = useSetup()
  const datasets = useDatasets()
  const report = shallowRef<CurvatureReport | null>(null)
  /** The learning rate `report` was computed at (its contraction and epochs are for that rate). */
  const reportLearningRate = ref<number | null>(null)

  /** What the figures depend on, and nothing else (epochs, schedule or backend do not move them). */
  const request = computed<CurvatureRequest | null>(() => {
    const config = setup.config
    // Linked data: the oracle needs the rows in memory (main does not compute it for them).
    if (!config || config.solver !== 'gd' || setup.datasetId === null || setup.target === null || setup.linked) return null
    const { missing, standardize, intercept, validationFraction, seed, optimizer, momentum, dampening, nesterov, weightDecay, batchSize, learningRate } = config
    return {
      datasetId: setup.datasetId,
      target: setup.target,
      features: [...setup.features],
      formula: setup.formula ?? undefined,
      config: { solver: 'gd', missing, standardize, intercept, validationFraction, seed, optimizer, momentum, dampening, nesterov, weightDecay, batchSize, learningRate },
    }
  })

  let sequence = 0
  let timer: ReturnType<typeof setTimeout> | null = null

  async function ask(next: CurvatureRequest, mine: number): Promise<void> {
    try {
      const answer = await api()['training.curvature'](next)
      if (mine !== sequence) return
      report.value = answer
      reportLearningRate.value = (next.config as { learningRate: number }).learningRate
    } catch {
      // Data the run could not use either (e.g. missing values under "stop with an error"): no
      // figures; Start reports the problem in its own words.
      if (mine === sequence) report.value = null
    }
  }

  watch(
    () => JSON.stringify(request.value),
    () => {
      const next = request.value
      const mine = ++sequence
      if (timer !== null) clearTimeout(timer)
      timer = null
      if (!next) {
        report.value = null
        return
      }
      timer = setTimeout(() => {
        timer = null
        void ask(next, mine)
      }, DEBOUNCE_MS)
    },
    { immediate: true },
  )

  /**
   * Mini-batches: the figures are the full-batch ones, an approximation. Compared with the dataset's
   * rows, an upper bound on the training rows (the validation split and dropped rows take some).
   */
  const approximate = computed(() => {
    const batch = setup.form.batchSize
    const rows = datasets.opened?.rows
    return batch !== null && rows !== undefined && batch < rows
  })

  /** Adam, AdamW, RMSprop, Adagrad: steps are not lr × gradient, so no range is claimed for them. */
  const adaptive = computed(() => optimizerModule(setup.form.optimizer).adaptive)

  const band = computed<StableBand | null>(() => {
    const r = report.value
    if (adaptive.value || !r || r.lr_max_stable === null) return null
    return { max: r.lr_max_stable, optimal: r.lr_optimal, approximate: approximate.value }
  })

  return { report, reportLearningRate, approximate, adaptive, band }
})
