import type { RegressionReport } from './regression-report'

/**
 * The regression report's plain-language readings, once, in both languages: the CLI prints the
 * English ones, the app hands both to vue-i18n under `report.readings.*`. Templates use only text and
 * `{name}` placeholders (no `@`, `|` or other braces, which vue-i18n would interpret).
 *
 * Thresholds, each a common rule of thumb: p < 0.05 for the tests; Durbin–Watson outside [1.5, 2.5];
 * VIF > 10 (Kutner et al., "Applied Linear Statistical Models", §10.5); condition number > 30
 * (Belsley, Kuh & Welsch 1980).
 */
export type Reading =
  | { code: 'normal' | 'notNormal'; params: { p: string } }
  | { code: 'homoskedastic' | 'heteroskedastic'; params: { p: string } }
  | { code: 'heteroskedasticRobust'; params: { p: string; cov: string } }
  | { code: 'autocorrelated'; params: { dw: string } }
  | { code: 'collinear'; params: { vif: string; feature: string; partner: string } }
  | { code: 'illConditioned'; params: { kappa: string } }

export const readingMessages = {
  en: {
    normal: 'Residuals look normal (Jarque–Bera p = {p}).',
    notNormal: 'Residuals are not normal (Jarque–Bera p = {p}): with few rows, p-values and intervals are approximate.',
    homoskedastic: 'No sign of heteroskedasticity (Breusch–Pagan, Koenker, p = {p}).',
    heteroskedastic: 'Heteroskedasticity likely (Breusch–Pagan, Koenker, p = {p}): use HC3 errors (--cov HC3).',
    heteroskedasticRobust: 'Heteroskedasticity likely (Breusch–Pagan, Koenker, p = {p}); the {cov} errors used here allow for it.',
    autocorrelated: 'Residuals are correlated in row order (Durbin–Watson {dw}): if rows are in time order, the standard errors are too small.',
    collinear: 'VIF {vif} for {feature}: collinear with {partner}; its coefficient is unstable.',
    illConditioned: 'Condition number {kappa} of the scaled design: some features are nearly collinear.',
  },
  'zh-CN': {
    normal: '残差看起来服从正态分布（Jarque–Bera p = {p}）。',
    notNormal: '残差不服从正态分布（Jarque–Bera p = {p}）：行数较少时，p 值和置信区间只是近似。',
    homoskedastic: '没有异方差的迹象（Breusch–Pagan，Koenker 版，p = {p}）。',
    heteroskedastic: '很可能存在异方差（Breusch–Pagan，Koenker 版，p = {p}）：请使用 HC3 标准误（--cov HC3）。',
    heteroskedasticRobust: '很可能存在异方差（Breusch–Pagan，Koenker 版，p = {p}）；这里使用的 {cov} 标准误已考虑到这一点。',
    autocorrelated: '残差按行顺序相关（Durbin–Watson {dw}）：如果各行按时间排列，标准误会偏小。',
    collinear: '{feature} 的 VIF 为 {vif}：与 {partner} 共线；其系数不稳定。',
    illConditioned: '缩放后设计矩阵的条件数为 {kappa}：一些特征几乎共线。',
  },
} as const satisfies Record<'en' | 'zh-CN', Record<Reading['code'], string>>

const SIGNIFICANCE = 0.05
const MAX_VIF = 10
const MAX_CONDITION = 30

/** Two significant digits for a p-value or statistic in a sentence: 0.41, 0.003, 2.3e-9. */
export function readingNumber(x: number): string {
  if (x === 0) return '0'
  if (Math.abs(x) < 1e-4) return x.toExponential(1)
  return String(Number(x.toPrecision(2)))
}

export function reportReadings(report: RegressionReport, features: readonly string[]): Reading[] {
  const readings: Reading[] = []
  const jb = report.jarqueBera.p
  if (jb !== null) readings.push({ code: jb < SIGNIFICANCE ? 'notNormal' : 'normal', params: { p: readingNumber(jb) } })
  const bp = report.breuschPagan?.koenker.lmP
  if (bp !== null && bp !== undefined) {
    const p = readingNumber(bp)
    if (bp >= SIGNIFICANCE) readings.push({ code: 'homoskedastic', params: { p } })
    else if (report.covariance === 'nonrobust') readings.push({ code: 'heteroskedastic', params: { p } })
    else readings.push({ code: 'heteroskedasticRobust', params: { p, cov: report.covariance } })
  }
  const dw = report.durbinWatson
  if (dw !== null && (dw < 1.5 || dw > 2.5)) readings.push({ code: 'autocorrelated', params: { dw: readingNumber(dw) } })
  report.vif.forEach((vif, j) => {
    const partner = report.collinearWith[j]
    if (vif !== null && vif > MAX_VIF && partner) readings.push({ code: 'collinear', params: { vif: readingNumber(vif), feature: features[j]!, partner } })
  })
  if (report.collinearity.conditionNumber > MAX_CONDITION) readings.push({ code: 'illConditioned', params: { kappa: readingNumber(report.collinearity.conditionNumber) } })
  return readings
}

/** A reading as a sentence in one language. */
export function describeReading(reading: Reading, locale: 'en' | 'zh-CN' = 'en'): string {
  const params = reading.params as Record<string, string>
  return readingMessages[locale][reading.code].replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '')
}
