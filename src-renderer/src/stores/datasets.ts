import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { AppInfo, DatasetData, DatasetSummary } from '../../../src-core/contract'
import { importInfoOf, tableToUpload } from '../../../src-core/dataset-upload'
import type { ImportProgress } from '../../../src-core/table/byte-source'
import type { ImportOptions, ImportResult } from '../../../src-core/table/import-table'
import { oneHotEncode } from '../../../src-core/table/one-hot'
import tutorialCsv from '../../../resources/examples/tutorial.csv?raw'
import longleyCsv from '../../../resources/examples/longley.csv?raw'
import { api, ApiError, pathOfFile } from '../api'
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
  /**
   * The open linked dataset (#17): its rows stay in its files, so there is no DatasetData, only its
   * summary with the statistics pass's figures; `current` is null while one is open.
   */
  const linked = shallowRef<DatasetSummary | null>(null)
  /** Why the open linked dataset cannot be trained as it is (a file changed or moved), or null. */
  const linkedProblem = ref<string | null>(null)
  /** The link being made (its path or glob), and the last link error's sentence. */
  const linking = ref<string | null>(null)
  const linkError = ref<string | null>(null)
  /** The link form, open with a path to start from; `needsFolder`: a dropped file's name without its folder (browser mode). */
  const linkForm = ref<{ pattern: string; needsFolder: boolean } | null>(null)
  /** A file over the link threshold, waiting for "Link instead" or "Import anyway" (nothing parsed yet). */
  const largeFile = shallowRef<{ file: File; path: string | null; thresholdBytes: number } | null>(null)
  let info: Promise<AppInfo | null> | null = null
  /** app.info once (the link threshold comes from main); null when main cannot say, and then every file is imported. */
  const appInfo = () => (info ??= api()['app.info']().catch(() => null))

  async function refresh(): Promise<void> {
    try {
      list.value = await api()['datasets.list']()
    } catch (e) {
      notices.error(e)
    }
  }

  async function open(id: number, as: OpenAs = {}): Promise<boolean> {
    let summary = list.value.find((d) => d.id === id)
    if (!summary) {
      await refresh()
      summary = list.value.find((d) => d.id === id)
    }
    if (summary?.linked) return openLinked(summary, as)
    try {
      const data = await api()['datasets.get'](id)
      if (report.value && report.value.fileName !== data.fileName) report.value = null
      current.value = data
      linked.value = null
      linkedProblem.value = null
      if (as.run) useSetup().useRun(data, as.run)
      else useSetup().useDataset(data, as.target ? { target: as.target } : {})
      return true
    } catch (e) {
      notices.error(e)
      return false
    }
  }

  /** Opens a linked dataset: its summary, then whether its files are still as linked (the sentence if not). */
  async function openLinked(summary: DatasetSummary, as: OpenAs): Promise<boolean> {
    current.value = null
    report.value = null
    linked.value = summary
    linkedProblem.value = null
    useSetup().useLinked(summary, as.run ?? (as.target ? { target: as.target } : {}))
    try {
      const problem = await api()['datasets.checkLinked'](summary.id)
      if (linked.value?.id === summary.id) linkedProblem.value = problem ? new ApiError(problem).sentence : null
    } catch (e) {
      notices.error(e)
    }
    return true
  }

  /** Links a path or glob on main's machine (one statistics pass there), then opens it. */
  async function link(pattern: string, relink = false): Promise<boolean> {
    linking.value = pattern
    linkError.value = null
    try {
      await useSetup().flushPreparation()
      const summary = await api()['datasets.link']({ pattern, relink })
      await refresh()
      await open(summary.id)
      linkForm.value = null
      return true
    } catch (e) {
      if (e instanceof ApiError) linkError.value = e.sentence
      else notices.error(e)
      return false
    } finally {
      linking.value = null
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

  /**
   * Imports a file; one over the link threshold is not parsed but offered to be linked instead
   * (`largeFile`), unless `anyway`.
   */
  async function importFile(file: File, options: ImportOptions = {}, oneHot: string[] = [], anyway = false): Promise<boolean> {
    const thresholdBytes = anyway ? null : ((await appInfo())?.linkThresholdBytes ?? null)
    if (thresholdBytes !== null && file.size > thresholdBytes) {
      importError.value = null
      largeFile.value = { file, path: pathOfFile(file), thresholdBytes }
      return false
    }
    largeFile.value = null
    lastSource.value = { kind: 'file', file }
    lastOptions.value = options
    lastOneHot.value = oneHot
    return finishImport(file.name, sha256Of(file), parseFile(file, options, onProgress), oneHot)
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
    importFile,
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
    linked,
    linkedProblem,
    linking,
    linkError,
    linkForm,
    largeFile,
    link,
    /** "Link again": the files' current contents become the link (a new statistics pass). */
    relink: () => (linked.value?.linked ? link(linked.value.linked.pattern, true) : Promise.resolve(false)),
    /** The large file's offer, answered "Link instead": its path where the shell knows it, else the link form with its name. */
    async linkInstead(): Promise<boolean> {
      const offer = largeFile.value
      largeFile.value = null
      if (!offer) return false
      if (offer.path) return link(offer.path)
      linkForm.value = { pattern: offer.file.name, needsFolder: true }
      return false
    },
    importAnyway(): Promise<boolean> {
      const offer = largeFile.value
      largeFile.value = null
      return offer ? importFile(offer.file, {}, [], true) : Promise.resolve(false)
    },
    /** The open dataset, imported or linked: what the Train tab and the lists need (id, name, rows). */
    opened: computed<DatasetSummary | null>(() => current.value ?? linked.value),
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
        if (linked.value?.id === id) linked.value = null
        await refresh()
        return true
      } catch (e) {
        notices.error(e)
        return false
      }
    },
    hasData: computed(() => current.value !== null || linked.value !== null),
  }
})
