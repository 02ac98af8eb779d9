import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { activeStatuses, type LrFinderResult, type RunId } from '../../../src-core/contract'
import { api } from '../api'
import { useDatasets } from './datasets'
import { useNotices } from './notices'
import { useRuns } from './runs'
import { useSetup } from './setup'

/** The run the Train tab shows, and the actions on it (start, pause, resume, stop, LR finder). */
export const useTraining = defineStore('training', () => {
  const notices = useNotices()
  const runs = useRuns()
  const setup = useSetup()
  const currentRunId = ref<RunId | null>(null)
  const finder = ref<LrFinderResult | null>(null)
  const finding = ref(false)

  const current = computed(() => (currentRunId.value === null ? null : runs.summary(currentRunId.value)))
  const running = computed(() => current.value !== null && (current.value.status === 'running' || current.value.status === 'queued'))

  // The Train tab describes the open dataset: a run of another dataset is not shown under it.
  watch(
    () => setup.datasetId,
    (id) => {
      const shown = current.value
      if (shown && shown.datasetId !== id) currentRunId.value = null
    },
  )

  /**
   * Shows a run on the Train tab (its dataset opened, so the header describes it). A run still
   * training is re-attached live: what it stored so far, then the stream (stores/runs.ts).
   */
  async function show(id: RunId): Promise<void> {
    const summary = runs.summary(id)
    if (!summary) return
    const datasets = useDatasets()
    if (setup.datasetId !== summary.datasetId) await datasets.open(summary.datasetId)
    if (activeStatuses.includes(summary.status)) {
      const h = runs.liveOf(id)
      const detail = await runs.load(id, true)
      if (detail) {
        h.prefill(detail.loss, detail.valLoss, detail.timeline)
        h.info ??= detail.live?.info ?? null
      }
    } else {
      void runs.load(id)
    }
    currentRunId.value = id
  }

  /** "Open this run's dataset and settings": its data preparation and every hyperparameter, to change and start again. */
  async function openRunSettings(id: RunId): Promise<boolean> {
    const detail = await runs.load(id)
    if (!detail) return false
    if (!(await useDatasets().open(detail.datasetId, { run: detail }))) return false
    await show(id)
    return true
  }

  function request() {
    if (setup.datasetId === null || setup.target === null) throw new Error('no dataset')
    return { datasetId: setup.datasetId, target: setup.target, features: [...setup.features], formula: setup.formula ?? undefined, config: JSON.parse(JSON.stringify(setup.form)) as unknown }
  }

  async function start(): Promise<void> {
    if (!setup.config || setup.datasetId === null) return
    try {
      setup.remember()
      currentRunId.value = null // the previous run's status must not stand in for the new one's
      const { runId } = await api()['training.start'](request())
      runs.liveOf(runId) // the chart starts empty, then grows
      currentRunId.value = runId
      await runs.refresh()
      await runs.load(runId, true)
    } catch (e) {
      notices.error(e)
    }
  }

  async function act(action: 'training.pause' | 'training.resume' | 'training.cancel'): Promise<void> {
    if (currentRunId.value === null) return
    try {
      await api()[action](currentRunId.value)
      await runs.refresh()
    } catch (e) {
      notices.error(e)
    }
  }

  async function findLearningRate(): Promise<void> {
    if (setup.datasetId === null) return
    finding.value = true
    try {
      finder.value = await api()['training.findLearningRate'](request())
    } catch (e) {
      notices.error(e)
    } finally {
      finding.value = false
    }
  }

  return {
    currentRunId,
    current,
    running,
    finder,
    finding,
    start,
    pause: () => act('training.pause'),
    resume: () => act('training.resume'),
    stop: () => act('training.cancel'),
    findLearningRate,
    show,
    openRunSettings,
  }
})
