import type { z } from 'zod'
import type { AppInfo, Envelope, Events, EventName, Handlers, RequestName, RunId, WireError } from '../../src-core/contract'
import { isRequestName, requestSchemas } from '../../src-core/contract'
import { InputError, isInputError } from '../../src-core/errors'
import { parseInput } from '../../src-core/parse-input'
import { exportModel, predictUpload } from './export'
import type { FilePredictions } from './file-predictions'
import type { LinkedDatasets } from './linked-datasets'
import type { RunStore } from './run-store'
import type { TrainingService } from './training'

export interface Services {
  store: RunStore
  training: TrainingService
  linked: LinkedDatasets
  predictions: FilePredictions
  appInfo: AppInfo
}

export type Emit = <K extends EventName>(event: K, payload: Events[K]) => void

/** What the handlers of one connection may do about remote compute (see AppServices.connect). */
export interface ComputeHost {
  registerProvider(offer: { kind: 'webgl'; renderer: string; software: boolean }): string
  /** A report of the page's compute worker, unchecked: the provider registry validates it. */
  report(event: unknown): void
}

/**
 * The contract implemented over the services — one handler per request, shared by Electron IPC and
 * browser mode's WebSocket. Arguments arrive already validated by `dispatch`.
 */
export function createHandlers({ store, training, linked, predictions, appInfo }: Services, emit: Emit, compute: ComputeHost): Handlers {
  /** An edit of a stored run: write it, tell every window, answer with the run as it now is. */
  const updateRun = (id: RunId, write: () => void) => {
    write()
    emit('runs.changed', { runIds: [id] })
    return training.summary(id)
  }
  return {
    'app.info': async () => appInfo,
    'datasets.import': async (upload) => {
      const summary = store.addDataset(upload)
      emit('datasets.changed', { datasetIds: [summary.id] })
      return summary
    },
    'datasets.list': async () => store.listDatasets(),
    'datasets.get': async (id) => store.getDatasetData(id),
    'datasets.delete': async (id, { withRuns }) => {
      const link = store.getDataset(id).linked
      const { deletedRuns, runIds } = store.deleteDataset(id, withRuns)
      if (link) linked.forget(link.linkId) // the link's rows go; its files stay as they are
      emit('datasets.changed', { datasetIds: [id], deleted: true })
      if (runIds.length) emit('runs.changed', { runIds, deleted: true })
      return { deletedRuns }
    },
    'datasets.prepare': async (id, preparation) => store.savePreparation(id, preparation),
    // Linked datasets (#17, linked-datasets.ts): a path or glob read in place; `~` and relative paths are the home folder's.
    'datasets.link': async (request) => {
      const { summary } = await linked.link(request)
      emit('datasets.changed', { datasetIds: [summary.id] })
      return summary
    },
    'datasets.page': async (id, range) => linked.page(id, range),
    'datasets.checkLinked': async (id) => linked.check(id),
    // Streamed from disk in a worker of its own (file-predictions.ts), into a new file.
    'models.predictFile': async (request) => predictions.predict(request),
    'models.cancelPredictFile': async (request) => ({ cancelled: predictions.cancel(request.out) }),
    'runs.list': async (filter) => store.listRuns(filter).map((r) => training.withPause(r)),
    'runs.get': async (id) => training.detail(id),
    'runs.rename': async (id, name) => updateRun(id, () => store.rename(id, name)),
    'runs.setStarred': async (id, starred) => updateRun(id, () => store.setStarred(id, starred)),
    'runs.setTags': async (id, tags) => updateRun(id, () => store.setTags(id, tags)),
    'runs.setNotes': async (id, notes) => updateRun(id, () => store.setNotes(id, notes)),
    'runs.delete': async (ids) => {
      const deleted = store.deleteRuns(ids)
      emit('runs.changed', { runIds: ids, deleted: true })
      return { deleted }
    },
    'training.start': async (request) => ({ runId: training.start(request) }),
    'training.sweep': async (request) => training.sweep(request),
    'training.cancel': async (id) => training.cancel(id),
    'training.pause': async (id) => training.pause(id),
    'training.resume': async (id) => training.resume(id),
    'training.findLearningRate': async (request) => training.findLearningRate(request),
    'training.curvature': async (request) => training.curvature(request),
    'models.export': async (id) => exportModel(store.getRun(id)),
    'compute.register': async (offer) => ({ providerId: compute.registerProvider(offer) }),
    'compute.report': async (event) => {
      compute.report(event)
      return null
    },
    'models.predict': async (request) => predictUpload(store, request),
    // Computed in a worker thread (training.ts): this loop keeps answering while it runs.
    'models.diagnostics': async (id, options) => training.diagnostics(id, options),
  }
}

/**
 * The single entry point of both transports (ipc.ts, web/server.ts): checks the request name,
 * validates the arguments against the contract's schema into a sentence naming the field
 * (parseInput), runs the handler, and wraps the result or the error in an envelope. Whatever a
 * handler throws is answered, never let through: internal errors are logged here and reach the
 * user as a generic sentence.
 */
export async function dispatch(handlers: Handlers, name: unknown, args: unknown, log: (e: unknown) => void = console.error): Promise<Envelope<unknown>> {
  try {
    if (!isRequestName(name)) throw new InputError(`Unknown request ${JSON.stringify(name)?.slice(0, 100)}.`, 'This looks like a bug in the caller.')
    const parsed = parseInput(requestSchemas[name] as z.ZodType, Array.isArray(args) ? args : [], { input: name, arguments: true }) as unknown[]
    const handler = handlers[name] as (...a: unknown[]) => Promise<unknown>
    return { ok: true, value: await handler(...parsed) }
  } catch (e) {
    return { ok: false, error: toWireError(e, log) }
  }
}

export function toWireError(e: unknown, log: (e: unknown) => void = console.error): WireError {
  if (isInputError(e)) return { inputError: true, message: e.message, hint: e.hint, where: e.where }
  log(e)
  return {
    inputError: false,
    message: `Something went wrong inside Slope: ${(e as Error)?.message ?? String(e)}.`,
    hint: 'Please report it; your data and saved runs are unaffected.',
    where: {},
  }
}

export type { RequestName }
