import { jobFailure } from './job-failure'
import { readModelDocument } from '../../src-core/model-file'
import { LinkedSource } from './linked-source'
import { predictIntoFile, type StreamedPredictionSummary } from './prediction-file'

/**
 * The app's "Predict a file" (models.predictFile) as a worker job (workers/train.ts hands
 * `linked-predict` messages here): the worker opens its own DuckDB instance on the input, and the
 * per-chunk prediction and CSV text are made off main's event loop. The output is written as
 * `slope predict FILE --out OUT` writes it (prediction-file.ts).
 */

export interface LinkedPredictMessage {
  type: 'linked-predict'
  jobId: string
  /** The model document's JSON text (checked again here, as a model file is). */
  modelJson: string
  modelName: string
  pattern: string
  out: string
}

/** Stops the job between chunks: its temporary file is removed, so nothing is written. */
export interface LinkedPredictCancel {
  type: 'linked-predict-cancel'
  jobId: string
}

export type LinkedPredictEvent =
  | { type: 'linked-predict-done'; jobId: string; summary: StreamedPredictionSummary }
  | { type: 'linked-predict-failed'; jobId: string; inputError: boolean; message: string; hint: string; where: object }

/** The jobs of this worker still running, by id, for a cancel to reach. */
const running = new Map<string, AbortController>()

export function cancelLinkedPredict(message: LinkedPredictCancel): void {
  running.get(message.jobId)?.abort()
}

export function isLinkedPredictMessage(message: { type: string }): message is LinkedPredictMessage {
  return message.type === 'linked-predict'
}

export async function runLinkedPredictMessage(message: LinkedPredictMessage, post: (event: LinkedPredictEvent) => void): Promise<void> {
  const { jobId } = message
  let source: LinkedSource | null = null
  const controller = new AbortController()
  running.set(jobId, controller)
  try {
    const model = readModelDocument(message.modelJson, message.modelName)
    source = await LinkedSource.open(message.pattern)
    const summary = await predictIntoFile(source, model, message.out, { signal: controller.signal })
    post({ type: 'linked-predict-done', jobId, summary })
  } catch (e) {
    // A cancelled job's failure is replaced by main's own sentence (file-predictions.ts).
    post({ type: 'linked-predict-failed', jobId, ...jobFailure(e) })
  } finally {
    running.delete(jobId)
    source?.close()
  }
}
