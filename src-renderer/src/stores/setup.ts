import { defineStore } from 'pinia'
import { computed, reactive, ref, watch } from 'vue'
import type { DatasetData, DatasetPreparation, DatasetSummary } from '../../../src-core/contract'
import { isInputError } from '../../../src-core/errors'
import { dummyName } from '../../../src-core/table/one-hot'
import { defaultTrainConfig, parseTrainConfig, switchOptimizer, type TrainConfig } from '../../../src-core/train/config'
import { settingNames, settings, type SettingName } from '../../../src-core/train/settings'
import { api } from '../api'
import { checkFormula, datasetFormulaColumns, formulaSelection } from '../lib/term-formula'

const STORAGE_KEY = 'slope.config'
/** Linked datasets' target and features: main stores a preparation, but no request reads a linked one back (datasets.get refuses it). */
const LINKED_KEY = 'slope.linkedPreparation'

function linkedPicks(): Record<string, { target: string | null; features: string[] }> {
  try {
    const stored = JSON.parse(localStorage.getItem(LINKED_KEY) ?? '{}') as unknown
    return stored && typeof stored === 'object' ? (stored as Record<string, { target: string | null; features: string[] }>) : {}
  } catch {
    return {}
  }
}

/**
 * The settings that belong to a dataset's preparation (group "data": missing cells, standardize,
 * intercept, validation split): they say how this table becomes rows, so each dataset keeps its
 * own in the database (contract.ts datasetPreparationSchema). The rest of the form is the
 * experiment's and is remembered for the next run, whatever the data.
 */
export const dataSettingNames = settingNames.filter((name) => settings[name].group === 'data')

/** Where the open dataset's default target comes from when it has no saved preparation. */
export interface TargetHint {
  target?: string
}

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
  /** The model as a formula (the Data tab's term builder); null: target and features as picked. */
  const formula = ref<string | null>(null)
  /** The dataset being prepared when it is linked (its picks are kept in this window's storage). */
  const linkedOpen = ref<number | null>(null)
  const form = reactive<TrainConfig>(saved())

  /** The config, or the problem's sentence and the setting it is about (its control is marked). */
  const checked = computed<{ config: TrainConfig | null; problem: string | null; problemSetting: string | null }>(() => {
    try {
      return { config: parseTrainConfig(JSON.parse(JSON.stringify(form))), problem: null, problemSetting: null }
    } catch (e) {
      return { config: null, problem: isInputError(e) ? e.message : String(e), problemSetting: (isInputError(e) && e.where.setting) || null }
    }
  })

  /**
   * Makes `data` the dataset being prepared, restoring its saved preparation. Without one: the
   * hint's target (an example's), else the previous choice if it is a column here, else the last
   * column that is not a one-hot dummy — a "地区=华南" is a target only when chosen — and every
   * other column as a feature; the data settings as they are.
   */
  function useDataset(data: DatasetData, hint: TargetHint = {}): void {
    const same = datasetId.value === data.id
    if (!same && pending) void flushPreparation() // the previous dataset's last edits are its own
    datasetId.value = data.id
    linkedOpen.value = null
    columns.value = [...data.columns]
    const saved = data.preparation
    if (saved && !hint.target) {
      target.value = saved.target !== null && data.columns.includes(saved.target) ? saved.target : defaultTarget(data)
      features.value = data.columns.filter((c) => c !== target.value && saved.features.includes(c))
      formula.value = saved.formula ?? null
      applyData(saved.data)
    } else {
      if (!same) formula.value = null
      const previous = same && target.value && data.columns.includes(target.value) ? target.value : null
      target.value = hint.target && data.columns.includes(hint.target) ? hint.target : (previous ?? defaultTarget(data))
      if (!same || features.value.some((f) => !data.columns.includes(f)) || hint.target) features.value = data.columns.filter((c) => c !== target.value)
      else features.value = features.value.filter((f) => f !== target.value)
    }
    savePreparation()
  }

  /**
   * Makes a linked dataset the one being prepared: its numeric columns are the choices (DuckDB reads
   * only those as numbers), the last one the target unless a run, a hint or this window's last
   * choice says otherwise. What linked data cannot honour is reset: an empty cell is an error
   * naming its row (no drop or mean). A formula is kept only on the same dataset.
   */
  function useLinked(summary: DatasetSummary, picks: { target?: string; features?: string[]; config?: TrainConfig } = {}): void {
    const same = datasetId.value === summary.id
    if (!same && pending) void flushPreparation()
    if (picks.config) Object.assign(form, defaults(), JSON.parse(JSON.stringify(picks.config)) as TrainConfig)
    datasetId.value = summary.id
    linkedOpen.value = summary.id
    const numeric = (summary.linked?.columns ?? []).filter((c) => c.numeric).map((c) => c.name)
    columns.value = numeric
    if (!same) formula.value = null
    form.missing = 'error'
    if (form.backend === 'webgl') form.backend = 'cpu'
    const kept = same ? { target: target.value, features: features.value } : linkedPicks()[summary.id]
    const wanted = picks.target ?? kept?.target ?? null
    target.value = wanted !== null && numeric.includes(wanted) ? wanted : (numeric.at(-1) ?? null)
    const chosen = picks.features ?? (picks.target ? undefined : kept?.features)
    features.value = numeric.filter((c) => c !== target.value && (chosen ? chosen.includes(c) : true))
  }

  function defaultTarget(data: DatasetData): string | null {
    const dummies = new Set(data.oneHot.flatMap((o) => o.levels.map((l) => dummyName(o.column, l))))
    return data.columns.filter((c) => !dummies.has(c)).at(-1) ?? data.columns.at(-1) ?? null
  }

  function applyData(values: Record<string, unknown>): void {
    for (const name of dataSettingNames) if (values[name] !== undefined) (form as Record<SettingName, unknown>)[name] = values[name]
  }

  function preparation(): DatasetPreparation {
    return { target: target.value, features: [...features.value], data: Object.fromEntries(dataSettingNames.map((name) => [name, form[name]])), formula: formula.value }
  }

  /**
   * Saves the open dataset's preparation after each change (gathered for 300 ms: a slider's drag is
   * one write). `saving` resolves when the database has it, so a reload right after loses nothing.
   */
  let pending: ReturnType<typeof setTimeout> | null = null
  let saving: Promise<void> = Promise.resolve()
  function savePreparation(): void {
    if (pending) clearTimeout(pending)
    pending = setTimeout(flushPreparation, 300)
  }
  function flushPreparation(): Promise<void> {
    if (pending) clearTimeout(pending)
    pending = null
    const id = datasetId.value
    if (id === null) return saving
    const value = preparation()
    if (linkedOpen.value === id) {
      localStorage.setItem(LINKED_KEY, JSON.stringify({ ...linkedPicks(), [id]: { target: value.target, features: value.features } }))
    }
    saving = saving.then(() => api()['datasets.prepare'](id, value).then(() => undefined, () => undefined)) // a dataset deleted meanwhile: nothing to keep
    return saving
  }
  watch([target, features, formula, () => dataSettingNames.map((name) => form[name])], () => savePreparation(), { deep: true })
  if (typeof addEventListener === 'function') addEventListener('pagehide', () => void flushPreparation())

  /** A run's preparation and every hyperparameter, ready to change and start again. */
  function useRun(data: DatasetData, run: { target: string; features: string[]; config: TrainConfig; formula?: string | null }): void {
    Object.assign(form, defaults(), JSON.parse(JSON.stringify(run.config)) as TrainConfig)
    // A formula run's target and features are its response and design columns (log(y), I(x ^ 2)):
    // the picks are the columns the formula reads, as the term builder mirrors them.
    const check = run.formula ? checkFormula(run.formula, datasetFormulaColumns(data)) : null
    const picks = check?.ok ? formulaSelection(check, data.columns) : null
    useDataset({ ...data, preparation: { target: picks?.target ?? run.target, features: picks?.features ?? run.features, data: {}, formula: run.formula ?? null } })
  }

  /** Settings an example fixes (the tutorial's exact experiment): the rest of the form is left as it is. */
  function applySettings(values: Partial<TrainConfig>): void {
    if (values.optimizer) setSetting('optimizer', values.optimizer)
    Object.assign(form, JSON.parse(JSON.stringify(values)) as Partial<TrainConfig>)
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
    formula,
    form,
    config: computed(() => checked.value.config),
    problem: computed(() => checked.value.problem),
    problemSetting: computed(() => checked.value.problemSetting),
    linked: computed(() => linkedOpen.value !== null),
    useDataset,
    useLinked,
    useRun,
    applySettings,
    flushPreparation,
    setTarget,
    setSetting,
    remember,
    reset,
  }
})
