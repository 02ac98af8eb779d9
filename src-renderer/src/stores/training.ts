import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { LrFinderResult, RunId } from '../../../src-core/contract'
import { api } from '../api'
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

  function request() {
    if (setup.datasetId === null || setup.target === null) throw new Error('no dataset')
    return { datasetId: setup.datasetId, target: setup.target, features: [...setup.features], config: JSON.parse(JSON.stringify(setup.form)) as unknown }
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
    show: (id: RunId) => {
      currentRunId.value = id
      void runs.load(id)
    },
  }
})
