import type { CurvatureJson } from '../../src-core/model/curvature'
import { formatRate } from '../../src-core/train/diagnosis-messages'
import { formatTextTable } from './text-table'

/**
 * The learning-rate oracle's figures in the terminal: one line after a run (`slope train`), a
 * table before one (`slope lr`). The app shows the same figures on the Train tab.
 */
export function curvatureSentence(c: CurvatureJson, learningRate: number): string {
  if (c.lr_max_stable === null) return `no stable rate is claimed${c.note ? `: ${c.note}` : ''}`
  const parts = [`stable below ${formatRate(c.lr_max_stable)}`, `fastest constant rate ${formatRate(c.lr_optimal ?? NaN)}`]
  if (c.contraction_per_epoch !== null) {
    const epochs = c['epochs_to_1e-6']
    const predicted = epochs.predicted === null ? 'never reaches 1e-6 of its start' : `reaches 1e-6 of its start in ~${epochs.predicted.toLocaleString('en-US')} epochs`
    const observed = epochs.observed === null ? '' : ` (observed ${epochs.observed.toLocaleString('en-US')})`
    const rho = c.contraction_per_epoch
    parts.push(
      rho >= 1
        ? `at lr ${formatRate(learningRate)} the distance to the optimum grows ×${formatRate(rho)} per epoch: the run cannot converge`
        : `at lr ${formatRate(learningRate)} the distance to the optimum shrinks ×${formatRate(rho)} per epoch and the loss gap ${predicted}${observed}`,
    )
  }
  return parts.join('; ')
}

/** `slope lr`: every figure with what it means. */
export function curvatureTable(c: CurvatureJson): string {
  const show = (x: number | null) => (x === null ? '—' : formatRate(x))
  // Epochs are counts: every digit (2,687, not 2690).
  const count = (x: number | null) => (x === null ? '—' : x.toLocaleString('en-US'))
  const rows = [
    ['figure', 'value', 'meaning'],
    ['lambda_max', show(c.lambda_max), 'largest eigenvalue of the loss’s Hessian'],
    ['lambda_min', show(c.lambda_min), 'smallest eigenvalue'],
    ['condition_number', show(c.condition_number), 'κ = λmax/λmin (— when singular)'],
    ['lr_max_stable', show(c.lr_max_stable), 'full-batch SGD converges below this rate'],
    ['lr_optimal', show(c.lr_optimal), 'the fastest constant rate for the momentum given'],
    ['heavy_ball.lr', show(c.heavy_ball.lr), 'Polyak’s optimal pair: rate …'],
    ['heavy_ball.momentum', show(c.heavy_ball.momentum), '… and momentum'],
    ['contraction_per_epoch', show(c.contraction_per_epoch), 'distance to the optimum shrinks by this per epoch, at the rate given'],
    ['epochs_to_1e-6', count(c['epochs_to_1e-6'].predicted), 'predicted epochs to bring the loss gap to 1e-6 of its start'],
  ]
  const table = formatTextTable(rows, [false, true, false])
  return c.note ? `${table}\n\nnote: ${c.note}` : table
}
