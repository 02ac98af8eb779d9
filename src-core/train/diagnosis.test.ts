import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import { tutorialTable, tutorialX } from '../testing/tutorial'
import { parseTrainConfig, type TrainConfigInput } from './config'
import { describeFinding, diagnose, type DiagnosisInput, type Finding } from './diagnosis'
import { diagnosisMessages, findingKey, findingParams, interpolate } from './diagnosis-messages'
import { fitModel, type PreparedInfo } from './fit-model'

async function diagnoseTutorial(input: TrainConfigInput) {
  const config = parseTrainConfig(input)
  let info: PreparedInfo | null = null
  const outcome = await fitModel({ table: tutorialTable(), target: 'y', config, hooks: { onPrepared: (i) => (info = i) } })
  return diagnose({
    status: outcome.status,
    loss: outcome.loss,
    valLoss: outcome.valLoss,
    divergedAt: outcome.divergedAt,
    learningRate: config.learningRate,
    standardize: config.standardize,
    hessianCondition: info!.hessianCondition,
    exact: outcome.exact,
    curvature: outcome.curvature,
    momentum: config.momentum,
  })
}

const base: DiagnosisInput = {
  status: 'completed',
  loss: [],
  valLoss: null,
  divergedAt: null,
  learningRate: 0.1,
  standardize: true,
  hessianCondition: 1,
  exact: { available: true, params: [0, 0], trainLoss: 1, distance: 0 },
}

describe('diagnosis', () => {
  it('the tutorial as written (unstandardized x around 6, lr 0.01, 50 epochs) is badly scaled and far from the optimum', async () => {
    const codes = (await diagnoseTutorial({ learningRate: 0.01, epochs: 50, standardize: false })).map((f) => f.code)
    expect(codes).toContain('badly-scaled')
    expect(codes.some((c) => c === 'plateau' || c === 'still-improving')).toBe(true)
  })

  it('standardized with a good learning rate it converges to the exact fit', async () => {
    expect((await diagnoseTutorial({ learningRate: 0.1, epochs: 500 })).map((f) => f.code)).toEqual(['converged'])
  })

  it('too large a learning rate: diverged, with the epoch and a smaller rate to try', async () => {
    const [first] = await diagnoseTutorial({ learningRate: 1, epochs: 5000, standardize: false })
    expect(first!.code).toBe('diverged-unstable')
    expect(describeFinding(first!)).toMatch(/^The loss blew up at epoch \d+: the learning rate 1 is 43× the largest stable rate 0\.0231 for this data/)
  })

  it('a loss growing geometrically but still finite at the end is called out before it overflows', async () => {
    // Adam has no stable rate to quote, and its growth stays below the diverged rule: "exploding".
    const findings = diagnose({ ...base, learningRate: 0.1, loss: Array.from({ length: 30 }, (_, k) => 1.5 ** k) })
    const exploding = findings.find((f) => f.code === 'exploding')
    expect(exploding).toMatchObject({ code: 'exploding', learningRate: 0.1 })
    expect(describeFinding(exploding!)).toContain('Lower it (try 0.01)')
  })

  it('an unstable rate is quoted against the largest stable one, never with a rate that diverges or with “standardize” twice', async () => {
    // Tutorial, raw x: 2/λmax ≈ 0.0278; lr 0.1 is ~3.6× past it. The oracle proves it unstable, so the
    // growth rule calls the run diverged long before it overflows.
    const findings = await diagnoseTutorial({ learningRate: 0.1, epochs: 100, standardize: false })
    const diverged = findings.find((f) => f.code === 'diverged-unstable')
    expect(diverged).toBeDefined()
    const { maxStable, optimal } = diverged as Extract<Finding, { code: 'diverged-unstable' }>
    // By hand: H = (2/n)·[[Σx², Σx], [Σx, n]]; λmax = (tr + √(tr² − 4·det))/n of the bracket.
    const n = tutorialX.length
    const sxx = tutorialX.reduce((s, x) => s + x * x, 0)
    const sx = tutorialX.reduce((s, x) => s + x, 0)
    const tr = sxx + n
    const lambdaMax = (tr + Math.sqrt(tr * tr - 4 * (sxx * n - sx * sx))) / n
    expect(Math.abs(maxStable / (2 / lambdaMax) - 1)).toBeLessThan(1e-12)
    expect(optimal).toBeLessThan(maxStable)
    expect(describeFinding(diverged!)).toContain(`the learning rate 0.1 is ${Number((0.1 / maxStable).toPrecision(2))}× the largest stable rate ${Number(maxStable.toPrecision(3))} for this data`)
    // Standardize is advised once, by the scaling finding, and only because the inputs are raw.
    expect(findings.filter((f) => describeFinding(f).includes('Standardize')).map((f) => f.code)).toEqual(['badly-scaled'])
    const standardized = await diagnoseTutorial({ learningRate: 5, epochs: 100 })
    expect(standardized.some((f) => describeFinding(f).toLowerCase().includes('standardize'))).toBe(false)
  })

  it('far below the fastest rate, the slow-rate finding says what that rate would take', async () => {
    const findings = await diagnoseTutorial({ learningRate: 0.01, epochs: 20 })
    const slow = findings.find((f) => f.code === 'slow-rate') as Extract<Finding, { code: 'slow-rate' }> | undefined
    // Standardized, one feature: H = 2·I, κ = 1, lr_optimal = 2/(2 + 2) = 0.5, reached in one epoch.
    expect(slow).toMatchObject({ optimal: 0.5, epochs: 1 })
  })

  it('momentum overshooting makes the loss go up and down', async () => {
    // Heavy ball with momentum 0.9 on standardized data (Hessian 2·I): the error follows
    // e ← (1 + 0.9 − 2·lr)e − 0.9e_prev, complex roots of modulus √0.9 — an underdamped oscillation.
    const findings = await diagnoseTutorial({ learningRate: 0.3, momentum: 0.9, epochs: 60 })
    expect(findings.map((f) => f.code)).toContain('oscillating')
    expect(describeFinding(findings.find((f) => f.code === 'oscillating')!)).toContain('Lower the learning rate (e.g. to 0.1)')
  })

  it('a loss that stopped moving far above the optimum is a plateau; one still falling is still improving', () => {
    const flat = Array.from({ length: 100 }, (_, k) => 2 + 1 / (k + 1) ** 3)
    expect(diagnose({ ...base, loss: flat })).toContainEqual({ code: 'plateau', relativeGap: expect.closeTo(1, 5) })
    const falling = Array.from({ length: 100 }, (_, k) => 1 + 1 - k / 100)
    expect(diagnose({ ...base, loss: falling }).map((f) => f.code)).toEqual(['still-improving'])
  })

  it('rising validation loss after its minimum is overfitting', () => {
    const loss = Array.from({ length: 100 }, (_, k) => 1 + 1 / (k + 1))
    const valLoss = Array.from({ length: 100 }, (_, k) => 1 + (k - 30) ** 2 / 1000)
    expect(diagnose({ ...base, loss, valLoss })).toContainEqual({ code: 'overfitting', bestEpoch: 30 })
  })
})

/** One finding of every code (the mapped type makes the compiler ask for a new code here). */
const samples: { [C in Finding['code']]: Extract<Finding, { code: C }> } = {
  diverged: { code: 'diverged', epoch: 37, learningRate: 1 },
  'diverged-unstable': { code: 'diverged-unstable', epoch: 12, learningRate: 100, maxStable: 1.9312, optimal: 0.97123 },
  exploding: { code: 'exploding', factor: 12_345.6, learningRate: 0.3 },
  'exploding-unstable': { code: 'exploding-unstable', factor: 3.66e189, learningRate: 1, maxStable: 0.0278, optimal: 0.0277 },
  'slow-rate': { code: 'slow-rate', learningRate: 0.01, optimal: 0.5, epochs: 7 },
  oscillating: { code: 'oscillating', learningRate: 0.3 },
  'badly-scaled': { code: 'badly-scaled', condition: 330.4 },
  'ill-conditioned': { code: 'ill-conditioned', condition: 1_500_000 },
  converged: { code: 'converged' },
  'still-improving': { code: 'still-improving', relativeGap: 0.01234 },
  plateau: { code: 'plateau', relativeGap: 42.4 },
  overfitting: { code: 'overfitting', bestEpoch: 30 },
}
const findings = Object.values(samples) as Finding[]
const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()

describe('diagnosis sentences (diagnosis-messages.ts)', () => {
  const i18n = createI18n({ legacy: false, locale: 'en', messages: { en: { diagnosis: diagnosisMessages.en }, 'zh-CN': { diagnosis: diagnosisMessages['zh-CN'] } } })
  const t = (locale: 'en' | 'zh-CN', f: Finding) => i18n.global.t(`diagnosis.${findingKey(f.code)}`, findingParams(f), { locale })

  it('every finding code has a template in English and Chinese, and nothing else does', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      expect(Object.keys(diagnosisMessages[locale]).sort(), locale).toEqual(['title', ...findings.map((f) => findingKey(f.code))].sort())
    }
  })

  it('both languages name the same placeholders, exactly the parameters the finding supplies', () => {
    for (const f of findings) {
      const key = findingKey(f.code)
      const params = Object.keys(findingParams(f)).sort()
      expect(placeholders(diagnosisMessages.en[key]), key).toEqual(params)
      expect(placeholders(diagnosisMessages['zh-CN'][key]), key).toEqual(params)
    }
  })

  it('the CLI sentence is the English template with the finding’s parameters', () => {
    for (const f of findings) expect(describeFinding(f)).toBe(interpolate(diagnosisMessages.en[findingKey(f.code)], findingParams(f)))
  })

  it('vue-i18n renders every template as interpolate does (no @, | or stray braces)', () => {
    for (const f of findings) {
      for (const locale of ['en', 'zh-CN'] as const) expect(t(locale, f), `${locale} ${f.code}`).toBe(interpolate(diagnosisMessages[locale][findingKey(f.code)], findingParams(f)))
    }
    expect(i18n.global.t('diagnosis.title', {}, { locale: 'zh-CN' })).toBe('诊断')
  })

  it('words every number: rates in 3 digits, ratios in 2, growth as a power of ten, grouped counts, percent gaps', () => {
    expect(describeFinding(samples.diverged)).toBe('The loss blew up at epoch 37: the learning rate 1 is too large for this data. Lower it (try 0.1).')
    expect(describeFinding(samples['diverged-unstable'])).toBe(
      'The loss blew up at epoch 12: the learning rate 100 is 52× the largest stable rate 1.93 for this data, so this run could not converge. The fastest constant rate is 0.971.',
    )
    expect(describeFinding(samples.exploding)).toBe(
      'The loss grew 12,346× since the first epoch and is still growing: the learning rate 0.3 is too large, and more epochs would overflow. Lower it (try 0.03).',
    )
    expect(describeFinding(samples['exploding-unstable'])).toContain('The loss grew 10^189× since the first epoch')
    expect(describeFinding(samples['slow-rate'])).toBe('The learning rate 0.01 is 50× below the fastest constant rate 0.5 for this data: at that rate the loss gap would fall to 1e-6 of its start in about 7 epochs.')
    expect(describeFinding(samples['still-improving'])).toBe('Still improving at the last epoch, 1.2 % above the exact optimum: train for more epochs.')
    expect(describeFinding({ code: 'badly-scaled', condition: Infinity })).toContain('the loss curves ∞× more steeply')
    expect(t('zh-CN', samples.oscillating)).toBe('损失时升时降：步子迈得太大（动量、Adam 或小批量噪声，学习率为 0.3）。请调低学习率（例如 0.1）或动量。')
  })

  it('a template without its value is a programming error, not a sentence with a hole', () => {
    expect(() => interpolate('at epoch {epoch}', {})).toThrow('No value for {epoch}')
  })
})
