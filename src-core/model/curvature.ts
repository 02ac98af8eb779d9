import { InputError } from '../errors'
import { optimizerLabel, optimizerModules } from '../train/optimizers/registry'
import { symmetricEigen } from './symmetric-eigen'

/**
 * The learning-rate oracle. For linear regression the MSE L(θ) = (1/n)‖Aθ − y‖² (A = [X 1], or X
 * without an intercept) is a quadratic with the constant Hessian H = (2/n)·AᵀA, plus torch's
 * weight decay λ on the weights' diagonal (L2 in the gradient, g ← g + λw, is the gradient of
 * L + (λ/2)‖w‖²; the bias is not decayed, as in optimizers.ts). In H's eigenbasis every
 * full-batch SGD variant decouples into one scalar (plain) or 2 × 2 (momentum) linear recurrence
 * per eigenvalue h, so which learning rates converge, which is fastest, and how fast a run will
 * go are known before it starts. Derivations: docs/learning-rates.md.
 */

export interface HessianInput {
  /** Row-major rows × features: the design exactly as the run trains on it (standardized or not). */
  X: ArrayLike<number>
  rows: number
  features: number
  /** Whether a column of ones (the intercept) is part of the model; it is the last parameter. */
  intercept: boolean
  /** torch's weight_decay λ ≥ 0: adds λ to the weights' diagonal of H, not to the intercept's. */
  weightDecay?: number
  /** Above this many parameters the spectrum is not computed (Jacobi is O(p³)); default 200. */
  maxParameters?: number
}

/** A direction in parameter space, as columns of the design that cancel each other. */
export interface CurvatureDirection {
  /** The eigenvalue of H along it. */
  eigenvalue: number
  /** Unit eigenvector of H, one entry per parameter (w₀ … w_{d−1}, then the intercept). */
  vector: Float64Array
  /**
   * Share of each parameter's column in the direction: |vᵢ|·√Hᵢᵢ, normalized to unit length.
   * Unit-free (raw Longley's intercept and year, 1954 apart in scale, come out equal).
   */
  weights: Float64Array
  /**
   * Parameter indices with weight ≥ 0.01 × the largest, largest first; index d is the intercept.
   * Low on purpose: in x4 = x0 − 2·x2 with x2 three times x0's scale, x0 carries only ~5% of the
   * cancellation, yet x4 and x2 are not collinear without it.
   */
  parameters: number[]
}

export interface HessianSpectrum {
  available: true
  rows: number
  /** p = features (+ 1 with an intercept). */
  parameters: number
  intercept: boolean
  weightDecay: number
  /** All eigenvalues of H, ascending. */
  eigenvalues: Float64Array
  lambdaMax: number
  /** The smallest eigenvalue as computed (≈ 0, possibly a hair below, when singular). */
  lambdaMin: number
  /** κ = λmax/λmin; Infinity when the design is singular (see `singular`). */
  conditionNumber: number
  /**
   * True when some direction's curvature is below SINGULAR_TOLERANCE of what its columns would
   * give if they did not cancel (λ ≤ tol·Σ vᵢ²Hᵢᵢ): columns that are linear combinations of each
   * other to ~6 digits (tol = 1e-12 is a residual of relative size 1e-6), indistinguishable from
   * exact collinearity in a double-precision Hessian. Unlike λmin ≤ tol·λmax this does not depend
   * on units: raw Longley (λmin/λmax ≈ 4e-20, but columns cancelling only to ~4e-9) is not singular.
   */
  singular: boolean
  /** Smallest eigenvalue outside the null directions: what the loss-gap rates are computed from. */
  lambdaMinNonzero: number
  /** The eigenvalues outside the null directions, ascending (all of them unless singular). */
  nonzeroEigenvalues: Float64Array
  /** Eigenvector of λmin: the flattest direction, the one gradient descent crawls along. */
  flattest: CurvatureDirection
  /** One per null direction (empty unless singular): which features are collinear. */
  nullDirections: CurvatureDirection[]
}

export interface SpectrumUnavailable {
  available: false
  parameters: number
  reason: string
}

export const DEFAULT_MAX_PARAMETERS = 200
export const SINGULAR_TOLERANCE = 1e-12
/** Rows summed into a partial Gram matrix before it is added to the total (see gramOf). */
const GRAM_BLOCK_ROWS = 256

/** The Hessian of the training MSE, 2/n·AᵀA + λ·diag(1…1, 0), row-major p × p. */
export function hessianOf(input: HessianInput): Float64Array {
  const { rows, features: d, intercept } = input
  const lambda = input.weightDecay ?? 0
  const p = d + (intercept ? 1 : 0)
  const H = gramOf(input.X, rows, d, intercept)
  const scale = 2 / rows
  for (let i = 0; i < p * p; i++) H[i]! *= scale
  for (let j = 0; j < d; j++) H[j * p + j]! += lambda
  return H
}

/**
 * AᵀA, summed in blocks of rows: each block's sum of ≤ 256 products is added to the running total,
 * so the rounding error grows with 256 + n/256 terms instead of n (pairwise-style summation at the
 * cost of one extra p × p add per block). Entries are then accurate relative to √(GᵢᵢGⱼⱼ), which
 * is all the Jacobi solver needs to get small eigenvalues to relative accuracy (symmetric-eigen.ts).
 */
function gramOf(X: ArrayLike<number>, rows: number, d: number, intercept: boolean): Float64Array {
  const p = d + (intercept ? 1 : 0)
  if (X.length < rows * d) throw new Error(`hessianOf: X has ${X.length} entries, expected ${rows * d}`)
  const total = new Float64Array(p * p)
  const block = new Float64Array(p * p)
  const x = new Float64Array(p)
  if (intercept) x[d] = 1
  for (let start = 0; start < rows; start += GRAM_BLOCK_ROWS) {
    block.fill(0)
    const end = Math.min(rows, start + GRAM_BLOCK_ROWS)
    for (let i = start; i < end; i++) {
      const row = i * d
      for (let j = 0; j < d; j++) x[j] = X[row + j]!
      for (let a = 0; a < p; a++) {
        const xa = x[a]!
        if (xa === 0) continue
        for (let b = a; b < p; b++) block[a * p + b]! += xa * x[b]!
      }
    }
    for (let a = 0; a < p; a++) for (let b = a; b < p; b++) total[a * p + b]! += block[a * p + b]!
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) total[a * p + b] = total[b * p + a]!
  return total
}

/** The eigen-decomposition of H; unavailable (with the reason) above `maxParameters` or without rows. */
export function hessianSpectrum(input: HessianInput): HessianSpectrum | SpectrumUnavailable {
  const { rows, features: d, intercept } = input
  const p = d + (intercept ? 1 : 0)
  const maxParameters = input.maxParameters ?? DEFAULT_MAX_PARAMETERS
  const weightDecay = input.weightDecay ?? 0
  if (!(weightDecay >= 0 && Number.isFinite(weightDecay))) {
    throw new InputError(`Weight decay must be a finite number of 0 or more, not ${weightDecay}.`, 'Change the weight decay and try again.')
  }
  if (p === 0) return { available: false, parameters: 0, reason: 'The model has no parameters (no features and no intercept).' }
  if (rows === 0) return { available: false, parameters: p, reason: 'There are no training rows.' }
  if (p > maxParameters) {
    return {
      available: false,
      parameters: p,
      reason: `The model has ${p} parameters; the exact curvature is computed for at most ${maxParameters} (its cost grows as p³).`,
    }
  }
  const H = hessianOf(input)
  const { values, vectors } = symmetricEigen(H, p)
  const direction = (k: number): CurvatureDirection => {
    const vector = new Float64Array(p)
    const weights = new Float64Array(p)
    let norm = 0
    for (let i = 0; i < p; i++) {
      vector[i] = vectors[i * p + k]!
      weights[i] = Math.abs(vector[i]!) * Math.sqrt(Math.max(0, H[i * p + i]!))
      norm += weights[i]! ** 2
    }
    norm = Math.sqrt(norm)
    if (norm > 0) for (let i = 0; i < p; i++) weights[i]! /= norm
    const largest = Math.max(...weights)
    const parameters = Array.from({ length: p }, (_, i) => i)
      .filter((i) => weights[i]! >= 0.01 * largest)
      .sort((a, b) => weights[b]! - weights[a]!)
    return { eigenvalue: values[k]!, vector, weights, parameters }
  }
  // λ_k against Σ v_ik²·H_ii, the curvature the same direction would have if the columns were
  // orthogonal: the Rayleigh quotient of the unit-diagonal scaled Hessian, free of units.
  const isNull = (k: number): boolean => {
    let undamped = 0
    for (let i = 0; i < p; i++) undamped += vectors[i * p + k]! ** 2 * H[i * p + i]!
    return !(values[k]! > SINGULAR_TOLERANCE * undamped)
  }
  // Every eigenvalue is tested, not only the smallest: in raw units a tiny but independent column
  // can have a smaller eigenvalue than a null direction of larger columns.
  const nullDirections: CurvatureDirection[] = []
  const nonzero: number[] = []
  for (let k = 0; k < p; k++) {
    if (isNull(k)) nullDirections.push(direction(k))
    else nonzero.push(values[k]!)
  }
  const lambdaMax = values[p - 1]!
  const lambdaMin = values[0]!
  const singular = nullDirections.length > 0
  return {
    available: true,
    rows,
    parameters: p,
    intercept,
    weightDecay,
    eigenvalues: values,
    lambdaMax,
    lambdaMin,
    conditionNumber: singular ? Infinity : lambdaMax / lambdaMin,
    singular,
    // An all-null H (every column zero) leaves nothing to converge: NaN marks "no such eigenvalue".
    lambdaMinNonzero: nonzero.length > 0 ? nonzero[0]! : NaN,
    nonzeroEigenvalues: Float64Array.from(nonzero),
    flattest: direction(0),
    nullDirections,
  }
}

// ——— The iteration per eigenvalue ———————————————————————————————————————————————————————

/** The optimizer settings the oracle reads (a TrainConfig has them all). */
export interface OptimizerSettings {
  /** 'sgd' is analysed; 'adam', 'adamw', 'rmsprop', 'adagrad' and anything else get no rate claim. */
  optimizer: string
  learningRate: number
  momentum: number
  dampening: number
  nesterov: boolean
  /** Rows per mini-batch; null (or ≥ rows) = full batch. */
  batchSize: number | null
}

/**
 * Which recurrence the error e = θ − θ* follows along an eigenvector, with a = lr·h:
 * - 'gd' (momentum 0; torch then ignores dampening):   e ← (1 − a)·e
 * - 'heavy-ball' (torch: buf ← μ·buf + (1−τ)·g, θ ← θ − lr·buf):
 *     e_{k+1} = (1 + μ − (1−τ)a)·e_k − μ·e_{k−1}
 * - 'nesterov' (torch: buf ← μ·buf + (1−τ)·g, θ ← θ − lr·(g + μ·buf)):
 *     state (e, lr·buf) with M = [[1 − a(1 + μ(1−τ)), −μ²], [(1−τ)a, μ]]
 * Each has the characteristic polynomial z² − T·z + D of its companion matrix.
 */
export type IterationKind = 'gd' | 'heavy-ball' | 'nesterov'

export interface Iteration {
  kind: IterationKind
  momentum: number
  dampening: number
}

/** Trace T, determinant D and q(1) = 1 − T + D of the companion matrix at a = lr·h. */
function companion(it: Iteration, a: number): { T: number; D: number; q1: number } {
  const { momentum: mu, dampening: tau } = it
  if (it.kind === 'gd') return { T: 1 - a, D: 0, q1: a }
  if (it.kind === 'heavy-ball') {
    const b = (1 - tau) * a
    return { T: 1 + mu - b, D: mu, q1: b }
  }
  return { T: 1 + mu - a * (1 + mu * (1 - tau)), D: mu * (1 - a), q1: a * (1 - mu * tau) }
}

/**
 * Spectral radius ρ of one eigen-direction's iteration at a = lr·h, and 1 − ρ computed without
 * cancellation (ρ is 1 − 1e-19 on raw Longley; 1 − ρ decides the epoch count).
 * Real roots z₁, z₂ = D/z₁ with |z₁| ≥ |z₂|: 1 − z₁ = q(1)/(1 − z₂) and 1 + z₁ = q(−1)/(1 + z₂).
 * Complex roots: |z|² = D, so ρ = √D and 1 − ρ = (1 − D)/(1 + √D).
 */
export function directionRadius(it: Iteration, a: number): { rho: number; gap: number } {
  const { T, D, q1 } = companion(it, a)
  const disc = T * T - 4 * D
  if (disc < 0) {
    const rho = Math.sqrt(D)
    return { rho, gap: (1 - D) / (1 + rho) }
  }
  const s = Math.sqrt(disc)
  if (T >= 0) {
    const z1 = (T + s) / 2
    const z2 = z1 === 0 ? 0 : D / z1
    return { rho: z1, gap: q1 / (1 - z2) }
  }
  const z1 = (T - s) / 2
  const z2 = D / z1
  return { rho: -z1, gap: (1 + T + D) / (1 + z2) }
}

/**
 * The supremum of learning rates at which the iteration converges on eigenvalues ≤ λmax (Jury's
 * conditions for z² − Tz + D: |D| < 1 and |T| < 1 + D; docs/learning-rates.md):
 *   gd: 2/λmax;  heavy-ball: 2(1+μ)/((1−τ)λmax);  nesterov: 2(1+μ)/((1 + (2−τ)μ)λmax).
 * Null when no rate converges (heavy ball with dampening 1 never uses a gradient after the first).
 */
export function maxStableRate(it: Iteration, lambdaMax: number): number | null {
  const { momentum: mu, dampening: tau } = it
  if (it.kind === 'gd') return 2 / lambdaMax
  if (it.kind === 'heavy-ball') return tau < 1 ? (2 * (1 + mu)) / ((1 - tau) * lambdaMax) : null
  return (2 * (1 + mu)) / ((1 + (2 - tau) * mu) * lambdaMax)
}

/**
 * The constant rate minimizing the worst direction's radius max(ρ(lr·λmin), ρ(lr·λmax)) — the
 * endpoints suffice because ρ is quasi-convex in a = lr·h (decreasing, then increasing), so its
 * maximum over [λmin, λmax] sits at an end.
 *   gd: 2/(λmax + λmin) (Polyak 1987 §1.4) — the two radii |1 − lr·λ| are equal there.
 *   heavy-ball: 2(1+μ)/((1−τ)(λmax + λmin)): the endpoint radii are equal when their traces are
 *     opposite, (1+μ) − (1−τ)lr·λmin = (1−τ)lr·λmax − (1+μ); when κ ≤ ((1+√μ)/(1−√μ))² both are
 *     complex with ρ = √μ, the least any rate can give, and this rate is among the optimal ones.
 *   nesterov: no closed form is used; golden-section search on the quasi-convex max of the two
 *     radii over (0, lrMaxStable), to the last bits of lr.
 */
export function optimalRate(it: Iteration, lambdaMin: number, lambdaMax: number): number | null {
  const { momentum: mu, dampening: tau } = it
  if (it.kind === 'gd') return 2 / (lambdaMax + lambdaMin)
  if (it.kind === 'heavy-ball') return tau < 1 ? (2 * (1 + mu)) / ((1 - tau) * (lambdaMax + lambdaMin)) : null
  const upper = maxStableRate(it, lambdaMax)!
  return minimizeWorstRadius(it, lambdaMin, lambdaMax, upper)
}

/** Golden-section search for the lr in (0, upper) minimizing max(ρ(lr·λmin), ρ(lr·λmax)). */
export function minimizeWorstRadius(it: Iteration, lambdaMin: number, lambdaMax: number, upper: number): number {
  const worst = (lr: number) => Math.max(directionRadius(it, lr * lambdaMin).rho, directionRadius(it, lr * lambdaMax).rho)
  const phi = (Math.sqrt(5) - 1) / 2
  let lo = 0
  let hi = upper
  let x1 = hi - phi * (hi - lo)
  let x2 = lo + phi * (hi - lo)
  let f1 = worst(x1)
  let f2 = worst(x2)
  for (let i = 0; i < 200 && hi - lo > 1e-15 * upper; i++) {
    if (f1 <= f2) {
      hi = x2
      x2 = x1
      f2 = f1
      x1 = hi - phi * (hi - lo)
      f1 = worst(x1)
    } else {
      lo = x1
      x1 = x2
      f1 = f2
      x2 = lo + phi * (hi - lo)
      f2 = worst(x2)
    }
  }
  return (lo + hi) / 2
}

/** Polyak's optimal heavy ball (1964): lr = 4/(√λmax + √λmin)², μ = ((√κ − 1)/(√κ + 1))², ρ = √μ. */
export function optimalHeavyBall(lambdaMin: number, lambdaMax: number): { lr: number; momentum: number } {
  const sMax = Math.sqrt(lambdaMax)
  const sMin = Math.sqrt(lambdaMin)
  return { lr: 4 / (sMax + sMin) ** 2, momentum: ((sMax - sMin) / (sMax + sMin)) ** 2 }
}

// ——— The oracle for one run ———————————————————————————————————————————————————————————


export interface LearningRateOracle {
  spectrum: HessianSpectrum
  settings: OptimizerSettings
  /** Null for adaptive and unknown optimizers: no rate claim. */
  iteration: Iteration | null
  /** Optimizer steps per epoch: ⌈rows / batch⌉, 1 for full batch. */
  stepsPerEpoch: number
  /** Mini-batch: the figures are the full-batch (expected-gradient) ones, an approximation. */
  approximate: boolean
  /** Supremum of the rates at which full-batch training converges; null: no claim (see note). */
  lrMaxStable: number | null
  /** The fastest constant rate for the run's momentum (and dampening, Nesterov flag). */
  lrOptimal: number | null
  /** Polyak's optimal (lr, momentum) pair for heavy-ball SGD on this Hessian. */
  heavyBall: { lr: number; momentum: number } | null
  /**
   * ρ per epoch at `lr` (default: the run's): the factor by which the distance to the optimum
   * shrinks per epoch asymptotically — the spectral radius of one epoch's iteration (ρ_step to the
   * power stepsPerEpoch). The loss gap shrinks like ρ² per epoch. ≥ 1: does not converge.
   * Null when no claim is made.
   */
  contractionPerEpoch(lr?: number): number | null
  /**
   * Predicted epochs until the loss gap L(θ_k) − L* is `fraction` of its start:
   * ⌈ln(fraction) / ln(ρ²)⌉, at least 1. For plain full-batch GD an upper bound (every
   * direction's gap shrinks by at least ρ² each epoch); with momentum the asymptotic count (the
   * 2 × 2 iteration is not normal, so a transient can add a few epochs). Infinity when ρ ≥ 1.
   */
  epochsTo(fraction: number, lr?: number): number | null
  /** Sentences on what the figures mean for this run (singular design, mini-batch, adaptive…); null when none. */
  note: string | null
}

/** Adaptive optimizers (per-coordinate step sizes) as the registry declares them. */
function isAdaptive(name: string): boolean {
  return optimizerModules.some((m) => m.name === name && m.adaptive)
}

/** What the Hessian says about one run's optimizer settings. */
export function learningRateOracle(spectrum: HessianSpectrum, settings: OptimizerSettings): LearningRateOracle {
  const { rows } = spectrum
  if (!(settings.learningRate > 0 && Number.isFinite(settings.learningRate))) {
    throw new InputError(`The learning rate must be a positive number, not ${settings.learningRate}.`, 'Change {0} and try again.', {}, [{ setting: 'learningRate' }])
  }
  const batch = settings.batchSize === null || settings.batchSize >= rows ? rows : settings.batchSize
  const stepsPerEpoch = Math.ceil(rows / batch)
  const approximate = batch < rows
  const notes: string[] = []
  const sgd = settings.optimizer === 'sgd'
  const iteration: Iteration | null = !sgd
    ? null
    : {
        kind: settings.momentum === 0 ? 'gd' : settings.nesterov ? 'nesterov' : 'heavy-ball',
        momentum: settings.momentum,
        dampening: settings.dampening,
      }
  const lMax = spectrum.lambdaMax
  const lMin = spectrum.lambdaMinNonzero
  const hasCurvature = lMax > 0 && Number.isFinite(lMin)

  if (!hasCurvature) notes.push('Every column of the design is zero, so the loss is flat: there is nothing to converge.')
  if (spectrum.singular) {
    notes.push(
      `The design is singular (${spectrum.nullDirections.length} direction${spectrum.nullDirections.length === 1 ? '' : 's'} of zero curvature: collinear features), so κ is infinite and θ has no unique optimum along those directions; the loss does not change along them, and the rates and epochs refer to the smallest nonzero curvature, ${formatNumber(lMin)}.`,
    )
  }
  if (!sgd) {
    notes.push(
      isAdaptive(settings.optimizer)
        ? `${optimizerLabel(settings.optimizer)} divides each coordinate's step by a running estimate of its gradient's size, so its steps are not the learning rate times the gradient and no stable or optimal rate follows from the Hessian; the curvature figures still describe the problem.`
        : `No stable or optimal rate is claimed for the optimizer "${settings.optimizer}": only SGD is analysed; the curvature figures still describe the problem.`,
    )
  }
  if (iteration?.kind === 'heavy-ball' && iteration.dampening >= 1) {
    notes.push('With dampening 1 the momentum buffer ignores every gradient after the first, so no learning rate converges.')
  }
  if (iteration?.kind === 'nesterov' && iteration.dampening !== 0) {
    notes.push('torch.optim.SGD rejects Nesterov momentum with dampening; the figures follow the same update with dampening applied to the buffer.')
  }
  if (approximate && sgd) {
    notes.push(
      `Mini-batches of ${batch} rows (${stepsPerEpoch} steps an epoch): these are the full-batch figures, an approximation. The iteration is stable in expectation at about the same rates, but the loss stops falling at a noise floor proportional to the learning rate, and smaller batches need smaller rates near the edge; the contraction and epochs describe the mean until that floor.`,
    )
  }
  if (spectrum.weightDecay > 0) {
    notes.push(
      `Weight decay ${formatNumber(spectrum.weightDecay)} adds to the curvature and moves the optimum: the figures are for MSE + (λ/2)‖w‖², whose minimum lies above the least-squares loss.`,
    )
  }

  const lrMaxStable = iteration && hasCurvature ? maxStableRate(iteration, lMax) : null
  const lrOptimal = iteration && hasCurvature ? optimalRate(iteration, lMin, lMax) : null
  const heavyBall = hasCurvature ? optimalHeavyBall(lMin, lMax) : null

  // The worst direction among the non-null eigenvalues (the loss gap does not see null ones), chosen
  // by the smallest 1 − ρ: on raw Longley ρ itself rounds to 1 while 1 − ρ ≈ 8e-20 does not.
  const stepRadius = (lr: number): { rho: number; gap: number } => {
    let worst = { rho: 0, gap: Infinity }
    for (const h of spectrum.nonzeroEigenvalues) {
      const r = directionRadius(iteration!, lr * h)
      if (r.gap < worst.gap) worst = r
    }
    return worst
  }
  const claim = iteration !== null && hasCurvature && lrMaxStable !== null
  const checkRate = (lr: number) => {
    if (!(lr > 0 && Number.isFinite(lr))) throw new InputError(`The learning rate must be a positive number, not ${lr}.`, 'Change the learning rate and try again.')
  }

  return {
    spectrum,
    settings,
    iteration,
    stepsPerEpoch,
    approximate,
    lrMaxStable,
    lrOptimal,
    heavyBall,
    contractionPerEpoch(lr = settings.learningRate) {
      checkRate(lr)
      if (!claim) return null
      return stepRadius(lr).rho ** stepsPerEpoch
    },
    epochsTo(fraction, lr = settings.learningRate) {
      checkRate(lr)
      if (!(fraction > 0 && fraction < 1)) {
        throw new InputError(`The fraction of the loss gap must be between 0 and 1 (exclusive), not ${fraction}.`, 'Give a fraction such as 1e-6.')
      }
      if (!claim) return null
      const { rho, gap } = stepRadius(lr)
      if (!(gap > 0)) return Infinity // ρ ≥ 1; tested on 1 − ρ, since ρ may round to 1 while converging
      if (rho === 0) return 1
      // ln ρ = log1p(−(1 − ρ)) keeps the digits that ln(ρ) of a ρ within 1e-16 of 1 would lose.
      const logRhoEpoch = stepsPerEpoch * (gap < 0.5 ? Math.log1p(-gap) : Math.log(rho))
      return Math.max(1, Math.ceil(Math.log(fraction) / (2 * logRhoEpoch)))
    },
    note: notes.length > 0 ? notes.join(' ') : null,
  }
}

/** The spectrum and the oracle in one call; the spectrum's reason when it is not computed. */
export function curvatureOf(input: HessianInput, settings: OptimizerSettings): LearningRateOracle | SpectrumUnavailable {
  const spectrum = hessianSpectrum(input)
  return spectrum.available ? learningRateOracle(spectrum, settings) : spectrum
}

/**
 * Epochs a run took to bring its loss gap to `fraction` of the start: the first epoch k from
 * which loss[j] − optimumLoss ≤ fraction·(loss[0] − optimumLoss) for every later recorded j (so a
 * momentum run's dip and rebound does not count). Null when the history never settles below it
 * (also when the loss is not finite). 0 when the run started at the optimum. The loss of epoch k
 * is taken at the parameters that start it (DESIGN.md), so k epochs = k steps at full batch.
 * Note: once the threshold is within rounding of the loss itself (~1e-16·L*), it is not observable.
 */
export function observedEpochsTo(lossHistory: ArrayLike<number>, optimumLoss: number, fraction = 1e-6): number | null {
  if (!(fraction > 0 && fraction < 1)) {
    throw new InputError(`The fraction of the loss gap must be between 0 and 1 (exclusive), not ${fraction}.`, 'Give a fraction such as 1e-6.')
  }
  const n = lossHistory.length
  if (n === 0 || !Number.isFinite(optimumLoss)) return null
  const start = lossHistory[0]! - optimumLoss
  if (!Number.isFinite(start)) return null
  if (start <= 0) return 0
  const threshold = fraction * start
  let k = n
  while (k > 0 && lossHistory[k - 1]! - optimumLoss <= threshold) k--
  return k < n ? k : null
}

// ——— The CLI's `exact.curvature` document ———————————————————————————————————————————————

/** `exact.curvature` in `slope … --json`: numbers or null (JSON has no Infinity). */
export interface CurvatureJson {
  lambda_max: number | null
  lambda_min: number | null
  condition_number: number | null
  lr_max_stable: number | null
  lr_optimal: number | null
  heavy_ball: { lr: number | null; momentum: number | null }
  contraction_per_epoch: number | null
  'epochs_to_1e-6': { predicted: number | null; observed: number | null }
  note: string | null
}

/**
 * The JSON summary. condition_number is null when the design is singular or not computed (the
 * note says which); epochs are null when infinite (no convergence) or not claimed; `observed`
 * comes from observedEpochsTo after a run (null before one).
 */
export function curvatureJson(result: LearningRateOracle | SpectrumUnavailable, observed: number | null = null): CurvatureJson {
  if (!('spectrum' in result)) {
    return {
      lambda_max: null,
      lambda_min: null,
      condition_number: null,
      lr_max_stable: null,
      lr_optimal: null,
      heavy_ball: { lr: null, momentum: null },
      contraction_per_epoch: null,
      'epochs_to_1e-6': { predicted: null, observed: finiteOrNull(observed) },
      note: result.reason,
    }
  }
  const s = result.spectrum
  return {
    lambda_max: finiteOrNull(s.lambdaMax),
    lambda_min: finiteOrNull(s.lambdaMin),
    condition_number: finiteOrNull(s.conditionNumber),
    lr_max_stable: finiteOrNull(result.lrMaxStable),
    lr_optimal: finiteOrNull(result.lrOptimal),
    heavy_ball: { lr: finiteOrNull(result.heavyBall?.lr ?? null), momentum: finiteOrNull(result.heavyBall?.momentum ?? null) },
    contraction_per_epoch: finiteOrNull(result.contractionPerEpoch()),
    'epochs_to_1e-6': { predicted: finiteOrNull(result.epochsTo(1e-6)), observed: finiteOrNull(observed) },
    note: result.note,
  }
}

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null
}

function formatNumber(v: number): string {
  return Number(v.toPrecision(4)).toString()
}
