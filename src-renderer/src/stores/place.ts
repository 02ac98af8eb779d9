import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { RunId } from '../../../src-core/contract'
import { emptyFilter, type RunTableFilter } from '../lib/run-table'
import { useDatasets } from './datasets'
import { useRuns } from './runs'
import { useSetup } from './setup'
import { useTraining } from './training'

export const tabs = ['data', 'train', 'fit', 'runs', 'export'] as const
export type Tab = (typeof tabs)[number]

const STORAGE_KEY = 'slope.place'

/** What this window was looking at; the data themselves (preparations, runs) are in the database. */
interface Saved {
  tab?: Tab
  datasetId?: number | null
  shownRunId?: RunId | null
  selected?: RunId[]
  baseline?: RunId | null
  runsFilter?: Partial<RunTableFilter>
}

function load(): Saved {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Saved
    return saved && typeof saved === 'object' ? saved : {}
  } catch {
    return {} // a stale or hand-edited entry: start from the first tab
  }
}

/**
 * The analyst's place, kept across a reload or a new window: the tab, the dataset in use, the run
 * the Train tab shows, and the Runs tab's checked runs and filters (localStorage, like the
 * language). `restore` puts it back once the lists are loaded, skipping what no longer exists.
 */
export const usePlace = defineStore('place', () => {
  const saved = load()
  const tab = ref<Tab>(saved.tab && tabs.includes(saved.tab) ? saved.tab : 'data')
  const runsFilter = ref<RunTableFilter>({ ...emptyFilter(), ...saved.runsFilter })
  let restored = false

  async function restore(): Promise<void> {
    const datasets = useDatasets()
    const runs = useRuns()
    const training = useTraining()
    const shown = saved.shownRunId != null ? runs.summary(saved.shownRunId) : null
    // The shown run's dataset first (the Train header describes the run under it), else the last one used, else the newest.
    const datasetId = shown?.datasetId ?? (saved.datasetId != null && datasets.list.some((d) => d.id === saved.datasetId) ? saved.datasetId : datasets.list[0]?.id)
    if (datasetId != null) await datasets.open(datasetId)
    if (shown) await training.show(shown.id)
    runs.selected = (saved.selected ?? []).filter((id) => runs.summary(id) !== null)
    runs.baseline = saved.baseline != null && runs.summary(saved.baseline) ? saved.baseline : null
    restored = true
    save()
  }

  function save(): void {
    if (!restored) return // until restored, what is stored is the place to go back to
    const runs = useRuns()
    const next: Saved = {
      tab: tab.value,
      datasetId: useSetup().datasetId,
      shownRunId: useTraining().currentRunId,
      selected: [...runs.selected],
      baseline: runs.baseline,
      runsFilter: { ...runsFilter.value },
    }
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next))
  }

  watch(
    () => [tab.value, useSetup().datasetId, useTraining().currentRunId, useRuns().selected, useRuns().baseline, runsFilter.value],
    save,
    { deep: true },
  )

  return { tab, runsFilter, restore }
})
