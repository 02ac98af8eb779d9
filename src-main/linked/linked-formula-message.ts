import type { ColumnStatistics } from './linked-source'
import { jobFailure } from './job-failure'
import { prepareFormulaRun, type LinkedFormula } from './formula-chunks'
import { LinkedSource } from './linked-source'

/**
 * A linked formula run's state pass as a worker job (workers/train.ts hands `linked-formula`
 * messages here), so that building each chunk's design — JavaScript over every row — runs off
 * main's event loop, as the fit that follows does: the factors' levels and scale()/center()
 * statistics and, for standardized gradient descent, the design columns' statistics
 * (prepareFormulaRun, as the CLI runs it). Main then starts the run's fit job with the prepared formula.
 */

export interface LinkedFormulaMessage {
  type: 'linked-formula'
  runId: string
  pattern: string
  formula: string
  /** Gradient descent's validation split: held-out rows teach the state nothing. */
  split?: { seed: number; fraction: number }
  /** Also the design columns' statistics (standardized gradient descent). */
  designStatistics: boolean
}

export type LinkedFormulaEvent =
  | { type: 'linked-formula-done'; runId: string; formula: LinkedFormula; columns: ColumnStatistics[] | null }
  | { type: 'failed'; runId: string; inputError: boolean; message: string; hint: string; where: object }

export async function runLinkedFormulaMessage(message: LinkedFormulaMessage, post: (event: LinkedFormulaEvent) => void): Promise<void> {
  const { runId, split } = message
  let source: LinkedSource | null = null
  try {
    source = await LinkedSource.open(message.pattern)
    const { formula, columns } = await prepareFormulaRun(source, message.formula, { split, designStatistics: message.designStatistics })
    post({ type: 'linked-formula-done', runId, formula, columns })
  } catch (e) {
    post({ type: 'failed', runId, ...jobFailure(e) })
  } finally {
    source?.close()
  }
}
