import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { leastSquares } from './least-squares'
import { regressionReport } from './regression-report'
import { describeReading, readingMessages, reportReadings, type Reading } from './report-readings'

// y = x + x·(±1): the spread grows with x, the textbook case for Breusch–Pagan; x2 ≈ 2·x1 is collinear.
const n = 60
const x1 = Array.from({ length: n }, (_, i) => 1 + i)
const x2 = x1.map((v, i) => 2 * v + (i % 3) * 0.01)
const y = x1.map((v, i) => v + v * (i % 2 ? 1 : -1))
const X = new Float64Array(x1.flatMap((v, i) => [v, x2[i]!]))
const input = { X, y: new Float64Array(y), features: ['广告费', '价格'], intercept: true }
const fit = leastSquares(input)

describe('plain-language readings', () => {
  it('heteroskedasticity advises HC3; with HC3 chosen it says the errors allow for it', () => {
    const classical = reportReadings(regressionReport(input, fit, { covariance: 'nonrobust', ciLevel: 0.95 }), input.features)
    const sentence = classical.map((r) => describeReading(r)).find((s) => s.startsWith('Heteroskedasticity likely'))
    expect(sentence).toMatch(/^Heteroskedasticity likely \(Breusch–Pagan, Koenker, p = [\d.e-]+\): use HC3 errors \(--cov HC3\)\.$/)
    const robust = reportReadings(regressionReport(input, fit, { covariance: 'HC3', ciLevel: 0.95 }), input.features)
    expect(robust.map((r) => r.code)).toContain('heteroskedasticRobust')
  })

  it('names the collinear partner, in Chinese too', () => {
    const readings = reportReadings(regressionReport(input, fit, { covariance: 'nonrobust', ciLevel: 0.95 }), input.features)
    const collinear = readings.find((r): r is Extract<Reading, { code: 'collinear' }> => r.code === 'collinear' && r.params.feature === '价格')!
    expect(collinear.params.partner).toBe('广告费')
    expect(describeReading(collinear, 'zh-CN')).toMatch(/^价格 的 VIF 为 \d+：与 广告费 共线；其系数不稳定。$/)
  })

  it('every template renders the same through vue-i18n and describeReading', () => {
    const i18n = createI18n({ legacy: false, locale: 'en', messages: { en: { r: readingMessages.en }, 'zh-CN': { r: readingMessages['zh-CN'] } } })
    const params = { p: '0.41', cov: 'HC3', dw: '0.9', vif: '23', feature: '价格', partner: '广告费', kappa: '40' }
    for (const locale of ['en', 'zh-CN'] as const) {
      i18n.global.locale.value = locale
      for (const code of Object.keys(readingMessages.en) as (keyof typeof readingMessages.en)[]) {
        expect(i18n.global.t(`r.${code}`, params)).toBe(describeReading({ code, params } as never, locale))
      }
    }
  })
})
