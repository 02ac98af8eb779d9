import { basename } from 'node:path'
import type { z } from 'zod'
import type { AppInfo, Envelope, Events, EventName, Handlers, RequestName, RunId, WireError } from '../../src-core/contract'
import type { WorkerEvent } from '../../src-core/protocol'
import { isRequestName, requestSchemas } from '../../src-core/contract'
import { InputError, isInputError } from '../../src-core/errors'
import { readModelDocument } from '../../src-core/model-file'
import { computeMetrics } from '../../src-core/model/metrics'
import { predictTable } from '../../src-core/model/predict-table'
import { Table } from '../../src-core/table/table'
import type { RunStore } from './run-store'
import type { TrainingService } from './training'

export interface Services {
  store: RunStore
  training: TrainingService
  appInfo: AppInfo
}

export type Emit = <K extends EventName>(event: K, payload: Events[K]) => void

/**
 * The contract implemented over the services — one handler per request, shared by Electron IPC and
 * browser mode's WebSocket. Arguments arrive already validated by `dispatch`.
 */
/** What the handlers of one connection may do about remote compute (see AppServices.connect). */
export interface ComputeHost {
  registerProvider(offer: { kind: 'webgl'; renderer: string; software: boolean }): string
  report(event: WorkerEvent): void
}

export function createHandlers({ store, training, appInfo }: Services, emit: Emit, compute: ComputeHost): Handlers {
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
      const { deletedRuns, runIds } = store.deleteDataset(id, withRuns)
      emit('datasets.changed', { datasetIds: [id], deleted: true })
      if (runIds.length) emit('runs.changed', { runIds, deleted: true })
      return { deletedRuns }
    },
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
    'models.export': async (id) => {
      const run = store.getRun(id)
      if (!run.model) {
        throw new InputError(
          `Run "${run.name}" has no model to export (${run.status === 'diverged' ? 'it diverged' : `it is ${run.status}`}).`,
          run.status === 'diverged' ? 'Lower the learning rate and train again.' : 'Export a completed run.',
        )
      }
      return { fileName: `${safeFileName(run.name)}.model.json`, json: `${JSON.stringify(run.model, null, 2)}\n` }
    },
    'compute.register': async (offer) => ({ providerId: compute.registerProvider(offer) }),
    'compute.report': async (event) => {
      compute.report(event)
      return null
    },
    'models.predict': async ({ runId, modelJson, table: upload }) => {
      let text = modelJson
      if (runId !== undefined) {
        const run = store.getRun(runId)
        if (!run.model) throw new InputError(`Run "${run.name}" has no model to predict with.`, 'Choose a completed run.')
        text = JSON.stringify(run.model)
      }
      if (text === undefined) throw new InputError('No model given.', 'Choose a run or load a model file.')
      const model = readModelDocument(text, 'model')
      const cellText = new Map<number, Map<number, string>>()
      for (const [c, r, t] of upload.cellText) cellText.set(c, (cellText.get(c) ?? new Map()).set(r, t))
      const table = new Table(upload.names, upload.columns, { file: upload.fileName, firstRowNumber: upload.firstRowNumber, cellText, excluded: upload.excluded })
      const result = predictTable(table, model)
      const rows: number[] = []
      if (result.actual) for (let i = 0; i < result.predicted.length; i++) if (!Number.isNaN(result.predicted[i]!) && !Number.isNaN(result.actual[i]!)) rows.push(i)
      return {
        target: model.target,
        features: model.features,
        predicted: result.predicted,
        actual: result.actual ? Float64Array.from(result.actual) : null,
        missingRows: result.missingRows,
        metrics: rows.length ? computeMetrics(rows.map((i) => result.predicted[i]!), rows.map((i) => result.actual![i]!)) : null,
      }
    },
  }
}

/**
 * The single entry point of both transports: checks the request name and validates the arguments
 * against the contract's schema, runs the handler, and wraps the result or the error in an
 * envelope. Internal errors are logged here and reach the user as a generic sentence.
 */
export async function dispatch(handlers: Handlers, name: unknown, args: unknown, log: (e: unknown) => void = console.error): Promise<Envelope<unknown>> {
  try {
    if (!isRequestName(name)) throw new InputError(`Unknown request ${JSON.stringify(name)?.slice(0, 100)}.`, 'This looks like a bug in the caller.')
    const parsed = (requestSchemas[name] as z.ZodType).safeParse(Array.isArray(args) ? args : [])
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new InputError(
        `Malformed request ${name}: ${issue.path.length ? `argument ${issue.path.map(String).join('.')}` : 'arguments'} — ${issue.message}.`,
        'This looks like a bug in the caller; the request was ignored.',
      )
    }
    const handler = handlers[name] as (...a: unknown[]) => Promise<unknown>
    return { ok: true, value: await handler(...(parsed.data as unknown[])) }
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

function safeFileName(name: string): string {
  return basename(name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')).slice(0, 100) || 'model'
}

export type { RequestName }
