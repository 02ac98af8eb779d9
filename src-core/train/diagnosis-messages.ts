import type { Finding } from './diagnosis'

/**
 * The diagnosis sentences, once, in both languages: the CLI renders the English ones
 * (`describeFinding`), the app hands both to vue-i18n under `diagnosis.*`. Adding a finding is one
 * entry in the `Finding` union, its parameters in `findingParams` and one template per language;
 * the compiler asks for each.
 *
 * Templates are in vue-i18n's message syntax restricted to what `interpolate` below also reads:
 * text and `{name}` placeholders. vue-i18n gives `@` (linked messages), `|` (plural forms) and any
 * other braces a meaning, so they must not appear (diagnosis.test.ts checks every template renders
 * the same through vue-i18n and through `interpolate`).
 */

/** 'badly-scaled' → 'badlyScaled': the message key of a finding code (the keys the app has always used). */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S
export type FindingKey = CamelCase<Finding['code']>

export const findingKey = <C extends Finding['code']>(code: C) => code.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) as CamelCase<C>

type DiagnosisMessages = Record<'title' | FindingKey, string>

export const diagnosisMessages = {
  en: {
    title: 'Diagnosis',
    diverged: 'The loss blew up at epoch {epoch}: the learning rate {lr} is too large for this data. Lower it (try {smaller}).',
    divergedUnstable:
      'The loss blew up at epoch {epoch}: the learning rate {lr} is {ratio}× the largest stable rate {maxStable} for this data, so this run could not converge. The fastest constant rate is {optimal}.',
    exploding: 'The loss grew {factor}× since the first epoch and is still growing: the learning rate {lr} is too large, and more epochs would overflow. Lower it (try {smaller}).',
    explodingUnstable:
      'The loss grew {factor}× since the first epoch and is still growing: the learning rate {lr} is {ratio}× the largest stable rate {maxStable} for this data. The fastest constant rate is {optimal}.',
    oscillating: 'The loss goes up and down: the steps overshoot (momentum, Adam or mini-batch noise at learning rate {lr}). Lower the learning rate (e.g. to {smaller}) or the momentum.',
    badlyScaled: 'The features are badly scaled (the loss curves {ratio}× more steeply in one direction than another), so gradient descent crawls along the flat one. Standardize the inputs.',
    illConditioned: 'Some features are nearly collinear (curvature ratio {ratio}×), so gradient descent converges slowly in one direction. Drop a redundant feature, or use momentum or Adam.',
    converged: 'The run reached the exact least-squares fit.',
    stillImproving: 'Still improving at the last epoch, {gap} above the exact optimum: train for more epochs.',
    plateau: 'The loss has stalled {gap} above the exact optimum.',
    slowRate: 'The learning rate {lr} is {ratio}× below the fastest constant rate {optimal} for this data: at that rate the loss gap would fall to 1e-6 of its start in about {epochs} epochs.',
    overfitting: 'The validation loss was lowest at epoch {epoch} and has risen since: the model fits noise; use early stopping or fewer features.',
  },
  'zh-CN': {
    title: '诊断',
    diverged: '损失在第 {epoch} 轮发散：学习率 {lr} 对这些数据太大。请调低（试试 {smaller}）。',
    divergedUnstable: '损失在第 {epoch} 轮发散：学习率 {lr} 是这些数据最大稳定学习率 {maxStable} 的 {ratio} 倍，这次训练不可能收敛。最快的恒定学习率是 {optimal}。',
    exploding: '损失自第一轮以来增长了 {factor} 倍且仍在增长：学习率 {lr} 太大，再多训练几轮就会溢出。请调低（试试 {smaller}）。',
    explodingUnstable: '损失自第一轮以来增长了 {factor} 倍且仍在增长：学习率 {lr} 是这些数据最大稳定学习率 {maxStable} 的 {ratio} 倍。最快的恒定学习率是 {optimal}。',
    oscillating: '损失时升时降：步子迈得太大（动量、Adam 或小批量噪声，学习率为 {lr}）。请调低学习率（例如 {smaller}）或动量。',
    badlyScaled: '特征的尺度相差悬殊（损失在一个方向上比另一个方向陡 {ratio} 倍），梯度下降在平坦方向上爬得很慢。请标准化输入。',
    illConditioned: '一些特征几乎共线（曲率比为 {ratio} 倍），梯度下降在某个方向上收敛很慢。请去掉冗余特征，或使用动量或 Adam。',
    converged: '本次运行已达到精确的最小二乘拟合。',
    stillImproving: '最后一轮仍在改进，比精确最优高 {gap}：请增加轮数。',
    plateau: '损失停滞在比精确最优高 {gap} 的位置。',
    slowRate: '学习率 {lr} 比这些数据最快的恒定学习率 {optimal} 小 {ratio} 倍：用该学习率时，损失差距约 {epochs} 轮就会降到起始值的 1e-6。',
    overfitting: '验证损失在第 {epoch} 轮最低，之后上升：模型在拟合噪声；请使用提前停止或减少特征。',
  },
} as const satisfies Record<'en' | 'zh-CN', DiagnosisMessages>

/**
 * A finding's numbers as its template's named parameters, written the same way in every language
 * and on both sides (CLI and app): learning rates and epochs as plain numbers, ratios as whole
 * numbers with thousands separators, gaps as a percentage (or a multiple once ≥ 10×).
 */
export function findingParams(f: Finding): Record<string, string> {
  switch (f.code) {
    case 'diverged':
      return { epoch: String(f.epoch), lr: formatRate(f.learningRate), smaller: formatRate(smaller(f.learningRate, 10)) }
    case 'diverged-unstable':
      return { epoch: String(f.epoch), lr: formatRate(f.learningRate), ...oracleParams(f.learningRate, f.maxStable, f.optimal) }
    case 'exploding':
      return { factor: formatFactor(f.factor), lr: formatRate(f.learningRate), smaller: formatRate(smaller(f.learningRate, 10)) }
    case 'exploding-unstable':
      return { factor: formatFactor(f.factor), lr: formatRate(f.learningRate), ...oracleParams(f.learningRate, f.maxStable, f.optimal) }
    case 'oscillating':
      return { lr: formatRate(f.learningRate), smaller: formatRate(smaller(f.learningRate, 3)) }
    case 'badly-scaled':
    case 'ill-conditioned':
      return { ratio: formatCount(f.condition) }
    case 'converged':
      return {}
    case 'still-improving':
    case 'plateau':
      return { gap: formatGap(f.relativeGap) }
    case 'slow-rate':
      return { lr: formatRate(f.learningRate), optimal: formatRate(f.optimal), ratio: formatRatio(f.optimal / f.learningRate), epochs: formatCount(f.epochs) }
    case 'overfitting':
      return { epoch: String(f.bestEpoch) }
  }
}

function oracleParams(lr: number, maxStable: number, optimal: number): Record<string, string> {
  return { ratio: formatRatio(lr / maxStable), maxStable: formatRate(maxStable), optimal: formatRate(optimal) }
}

/**
 * A learning rate in three significant digits, plain between 0.001 and 1e6 ("1.93", "0.00316"),
 * else in exponent form ("3.16e-5"), so no sentence carries 0.30000000000000004 or 20 digits.
 */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e')
  return String(Number(x.toPrecision(3)))
}

/** A ratio in two significant digits: "52", "1.5", "3,200". */
function formatRatio(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(2)).toLocaleString('en-US') : '∞'
}

/** A growth factor: grouped up to a million, then as a power of ten ("10^185"), never 185 digits. */
export function formatFactor(x: number): string {
  if (!Number.isFinite(x)) return '∞'
  return x < 1e6 ? formatCount(x) : `10^${Math.floor(Math.log10(x))}`
}

/** A smaller learning rate to suggest, in two significant digits (0.3 / 3 → 0.1, not 0.09999…). */
export function smaller(lr: number, factor: number): number {
  return Number((lr / factor).toPrecision(2))
}

// en-US grouping ("12,345") reads the same in Chinese, so the number does not depend on the language.
function formatCount(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '∞'
}

function formatGap(x: number): string {
  return x >= 10 ? `${Math.round(x)}×` : `${Number((x * 100).toPrecision(2))} %`
}

/** `{name}` → params[name]: the subset of vue-i18n's message syntax the templates above use. */
export function interpolate(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) throw new Error(`No value for {${name}} in "${template}"`)
    return value
  })
}
