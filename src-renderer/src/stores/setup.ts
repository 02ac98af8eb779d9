import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import type { DatasetData } from '../../../src-core/contract'
import { isInputError } from '../../../src-core/errors'
import { defaultTrainConfig, parseTrainConfig, switchOptimizer, type TrainConfig } from '../../../src-core/train/config'
import type { SettingName } from '../../../src-core/train/settings'

const STORAGE_KEY = 'slope.config'

/** Every setting with its default filled in (the form edits a complete config). */
function defaults(): TrainConfig {
  return defaultTrainConfig()
}

function saved(): TrainConfig {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as unknown
    return stored ? parseTrainConfig(stored) : defaults()
  } catch {
    return defaults() // a stale or invalid saved form: start from the defaults
  }
}

/**
 * The run being prepared: which dataset, target and features (chosen on the Data tab) and every
 * hyperparameter (Train tab). The form keeps what the user typed; `validation` says, in the
 * config's own words, what is wrong with it, and `config` is the checked, complete result.
 */
export const useSetup = defineStore('setup', () => {
  const datasetId = ref<number | null>(null)
  const columns = ref<string[]>([])
  const target = ref<string | null>(null)
  const features = ref<string[]>([])
  const form = reactive<TrainConfig>(saved())

  /** The config, or the problem's sentence and the setting it is about (its control is marked). */
  const checked = computed<{ config: TrainConfig | null; problem: string | null; problemSetting: string | null }>(() => {
    try {
      return { config: parseTrainConfig(JSON.parse(JSON.stringify(form))), problem: null, problemSetting: null }
    } catch (e) {
      return { config: null, problem: isInputError(e) ? e.message : String(e), problemSetting: (isInputError(e) && e.where.setting) || null }
    }
  })

  function useDataset(data: DatasetData): void {
    const changed = datasetId.value !== data.id
    datasetId.value = data.id
    columns.value = [...data.columns]
    if (!target.value || !data.columns.includes(target.value)) target.value = data.columns.at(-1) ?? null
    if (changed || features.value.some((f) => !data.columns.includes(f))) features.value = data.columns.filter((c) => c !== target.value)
  }

  function setTarget(name: string): void {
    target.value = name
    features.value = features.value.filter((f) => f !== name)
    if (features.value.length === 0) features.value = columns.value.filter((c) => c !== name)
  }

  /** One setting as the user set it; a new optimizer brings its own defaults (switchOptimizer). */
  function setSetting(name: SettingName, value: unknown): void {
    if (name === 'optimizer') Object.assign(form, switchOptimizer({ ...form }, value as TrainConfig['optimizer']))
    else (form as Record<SettingName, unknown>)[name] = value
  }

  function remember(): void {
    if (checked.value.config) localStorage.setItem(STORAGE_KEY, JSON.stringify(checked.value.config))
  }

  function reset(): void {
    Object.assign(form, defaults())
  }

  return {
    datasetId,
    columns,
    target,
    features,
    form,
    config: computed(() => checked.value.config),
    problem: computed(() => checked.value.problem),
    problemSetting: computed(() => checked.value.problemSetting),
    useDataset,
    setTarget,
    setSetting,
    remember,
    reset,
  }
})
