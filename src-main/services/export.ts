import { basename } from 'node:path'
import type { DatasetSummary, DatasetUpload, PredictionResult, RunDetail, RunId } from '../../src-core/contract'
import { tableFromUpload, textColumnsFromUpload } from '../../src-core/dataset-upload'
import { InputError } from '../../src-core/errors'
import { buildModelDocument, readModelDocument, type ModelDocument } from '../../src-core/model-file'
import { modelOfRun, predictWithModel } from '../../src-core/model/predict-with-model'
import { dummyName } from '../../src-core/table/one-hot'
import type { TrainConfig } from '../../src-core/train/config'
import type { FitOutcome } from '../../src-core/train/fit-model'
import type { RunStore } from './run-store'

/**
 * What leaves Slope from a run: its model document (built once, when the run finishes), the model
 * file a person saves, and predictions of a model on new rows.
 */

/** The model document of a finished fit; null when it has no model (it diverged). */
export function modelDocumentOf(outcome: FitOutcome, config: TrainConfig, dataset: DatasetSummary, appVersion: string): ModelDocument | null {
  if (!outcome.model) return null
  const model = buildModelDocument(outcome, config, { file: dataset.fileName, sha256: dataset.sha256, rows: dataset.rows }, appVersion)
  // Text columns the dataset one-hot encoded and this model uses: predicting needs the same encoding.
  const used = new Set(outcome.prepared.features)
  const oneHot = dataset.oneHot.filter((e) => e.levels.some((level) => used.has(dummyName(e.column, level))))
  return oneHot.length ? { ...model, one_hot: oneHot } : model
}

/** The model file of a stored run, as `slope export` writes it; a run without a model says why. */
export function exportModel(run: Pick<RunDetail, 'name' | 'status' | 'model'>): { fileName: string; json: string } {
  if (!run.model) {
    throw new InputError(
      `Run "${run.name}" has no model to export (${run.status === 'diverged' ? 'it diverged' : `it is ${run.status}`}).`,
      run.status === 'diverged' ? 'Lower the learning rate and train again.' : 'Export a completed run.',
    )
  }
  return { fileName: `${safeFileName(run.name)}.model.json`, json: `${JSON.stringify(run.model, null, 2)}\n` }
}

/**
 * `models.predict`: a stored run's model or a model file's text applied to an uploaded table. The
 * upload is numeric columns only, so a model with one-hot columns needs them encoded already.
 */
export function predictUpload(store: RunStore, request: { runId?: RunId; modelJson?: string; table: DatasetUpload }): PredictionResult {
  let model
  if (request.runId !== undefined) model = modelOfRun(store.getRun(request.runId))
  else if (request.modelJson !== undefined) model = readModelDocument(request.modelJson, 'model')
  else throw new InputError('No model given.', 'Choose a run or load a model file.')
  const table = tableFromUpload(request.table)
  // A formula model builds its features from the upload's columns, its text columns as factors.
  const data = model.document.formula ? { table, textColumns: textColumnsFromUpload(request.table.textColumns ?? [], table.rowCount, request.table.fileName), columns: [] } : table
  const result = predictWithModel(data, model)
  return {
    target: result.target,
    features: result.features,
    predicted: result.predicted,
    actual: result.actual,
    missingRows: result.missingRows,
    metrics: result.metrics,
  }
}

function safeFileName(name: string): string {
  return basename(name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')).slice(0, 100) || 'model'
}
