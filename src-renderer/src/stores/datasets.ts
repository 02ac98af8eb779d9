import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { DatasetData, DatasetSummary } from '../../../src-core/contract'
import { importInfoOf, tableToUpload } from '../../../src-core/dataset-upload'
import type { ImportProgress } from '../../../src-core/table/byte-source'
import type { ImportOptions, ImportResult } from '../../../src-core/table/import-table'
import { oneHotEncode } from '../../../src-core/table/one-hot'
import tutorialCsv from '../../../resources/examples/tutorial.csv?raw'
import longleyCsv from '../../../resources/examples/longley.csv?raw'
import { api } from '../api'
import { tutorialExperiment } from '../lib/tutorial-experiment'
import type { TrainConfig } from '../../../src-core/train/config'
import { parseFile, parseText, sha256Of, type ParseJob } from '../import/parse-client'
import { useNotices } from './notices'
import { useSetup } from './setup'

/** The bundled examples; the tutorial's comes with the tutorial's exact experiment (its settings). */
export const examples = [
  { id: 'tutorial', fileName: 'tutorial.csv', text: tutorialCsv, target: 'y', settings: tutorialExperiment.config },
  { id: 'longley', fileName: 'longley.csv', text: longleyCsv, target: 'employment', settings: {} },
] as const

/** How a dataset is opened: with its saved preparation (default), an example's target, or a run's preparation and settings. */
export interface OpenAs {
  target?: string
  run?: { target: string; features: string[]; config: TrainConfig }
}

/** Datasets: the stored list, the open one (with its numbers), and the import in progress. */
export const useDatasets = defineStore('datasets', () => {
  const notices = useNotices()
  const list = ref<DatasetSummary[]>([])
  const current = shallowRef<DatasetData | null>(null)
  /** What the importer reported about the file behind `current`, when it was imported this session. */
  const report = shallowRef<ImportResult | null>(null)
  const importing = ref<{ name: string; progress: ImportProgress | null; job: ParseJob } | null>(null)
  /** The last import error, shown inline where the file was dropped. */
  const importError = ref<string | null>(null)
  /** What was imported last this session, so it can be read again with other options or one-hot columns. */
  const lastSource = shallowRef<{ kind: 'file'; file: File } | { kind: 'text'; name: string; text: string } | null>(null)
  const lastOptions = ref<ImportOptions>({})
  const lastOneHot = ref<string[]>([])

  async function refresh(): Promise<void> {
    try {
      list.value = await api()['datasets.list']()
    } catch (e) {
      notices.error(e)
    }
  }

  async function open(id: number, as: OpenAs = {}): Promise<boolean> {
    try {
      const data = await api()['datasets.get'](id)
      if (report.value && report.value.fileName !== data.fileName) report.value = null
      current.value = data
      if (as.run) useSetup().useRun(data, as.run)
      else useSetup().useDataset(data, as.target ? { target: as.target } : {})
      return true
    } catch (e) {
      notices.error(e)
      return false
    }
  }

  async function finishImport(name: string, fingerprint: Promise<string>, job: ParseJob, oneHot: string[] = [], as: OpenAs = {}): Promise<boolean> {
    importing.value = { name, progress: null, job }
    importError.value = null
    try {
      // The open dataset's last edits reach the database before the import: a new version of its
      // file inherits them. Both are awaited together so a parse that fails meanwhile is handled
      // here, not reported as an unhandled rejection.
      const [result] = await Promise.all([job.result, useSetup().flushPreparation()])
      const encoded = oneHot.length ? oneHotEncode(result, oneHot) : null
      const table = encoded?.table ?? result.table
      const summary = await api()['datasets.import']({
        ...tableToUpload(table, {
          name,
          fileName: result.fileName,
          sha256: await fingerprint,
          importInfo: importInfoOf(result),
          // Every text column (one-hot encoded ones too), so a formula can use it as a factor.
          textColumns: result.textColumns,
        }),
        oneHot: encoded?.encodings.map(({ column, reference, levels }) => ({ column, reference, levels })) ?? [],
      })
      report.value = result
      await refresh()
      await open(summary.id, as)
      return true
    } catch (e) {
      const sentence = (e as { sentence?: string }).sentence
      if ((e as { cancelled?: boolean }).cancelled) importError.value = null
      else if (sentence) importError.value = sentence
      else notices.error(e)
      return false
    } finally {
      importing.value = null
    }
  }

  function onProgress(p: ImportProgress) {
    if (importing.value) importing.value = { ...importing.value, progress: p }
  }

  return {
    list,
    current,
    report,
    importing,
    importError,
    refresh,
    open,
    importFile(file: File, options: ImportOptions = {}, oneHot: string[] = []) {
      lastSource.value = { kind: 'file', file }
      lastOptions.value = options
      lastOneHot.value = oneHot
      return finishImport(file.name, sha256Of(file), parseFile(file, options, onProgress), oneHot)
    },
    importText(name: string, text: string, options: ImportOptions = {}, oneHot: string[] = []) {
      lastSource.value = { kind: 'text', name, text }
      lastOptions.value = options
      lastOneHot.value = oneHot
      return finishImport(name, sha256Of(text), parseText(name, text, options, onProgress), oneHot)
    },
    /** Reads the last file again with overridden options (encoding, delimiter, sheet…) or one-hot columns. */
    reimport(options: ImportOptions, oneHot: string[] = lastOneHot.value) {
      const source = lastSource.value
      if (!source) return Promise.resolve(false)
      lastOptions.value = options
      lastOneHot.value = oneHot
      return source.kind === 'file'
        ? finishImport(source.file.name, sha256Of(source.file), parseFile(source.file, options, onProgress), oneHot)
        : finishImport(source.name, sha256Of(source.text), parseText(source.name, source.text, options, onProgress), oneHot)
    },
    lastSource,
    lastOptions,
    lastOneHot,
    async openExample(id: (typeof examples)[number]['id']) {
      const example = examples.find((e) => e.id === id)!
      lastSource.value = { kind: 'text', name: example.fileName, text: example.text }
      lastOptions.value = {}
      lastOneHot.value = []
      // The example's target and every other column as features, then the settings it fixes.
      const ok = await finishImport(example.fileName, sha256Of(example.text), parseText(example.fileName, example.text, {}, onProgress), [], { target: example.target })
      if (ok) useSetup().applySettings(example.settings)
    },
    cancelImport: () => importing.value?.job.cancel(),
    /** Deletes a dataset; one with runs only together with them (the UI asks first). */
    async remove(id: number, withRuns: boolean): Promise<boolean> {
      try {
        await api()['datasets.delete'](id, { withRuns })
        if (current.value?.id === id) {
          current.value = null
          report.value = null
        }
        await refresh()
        return true
      } catch (e) {
        notices.error(e)
        return false
      }
    },
    hasData: computed(() => current.value !== null),
  }
})
