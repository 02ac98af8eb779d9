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
    expect(first!.code).toBe('diverged')
    expect(describeFinding(first!)).toMatch(/^The loss blew up at epoch \d+: the learning rate 1 is too large for this data\. Lower it \(try 0\.1\)/)
  })

  it('a loss growing geometrically but still finite at the end is called out before it overflows', async () => {
    const findings = await diagnoseTutorial({ learningRate: 0.1, epochs: 100, standardize: false })
    const exploding = findings.find((f) => f.code === 'exploding')
    expect(exploding).toMatchObject({ code: 'exploding', learningRate: 0.1 })
    expect(describeFinding(exploding!)).toContain('Lower it (try 0.01)')
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
  exploding: { code: 'exploding', factor: 12_345.6, learningRate: 0.3 },
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

  it('words the numbers as the CLI always has: plain rates, a rate ten times smaller, grouped ratios, percent gaps', () => {
    expect(describeFinding(samples.diverged)).toBe('The loss blew up at epoch 37: the learning rate 1 is too large for this data. Lower it (try 0.1) or standardize the inputs.')
    expect(describeFinding(samples.exploding)).toBe(
      'The loss grew 12,346× since the first epoch and is still growing: the learning rate 0.3 is too large, and more epochs would overflow. Lower it (try 0.03) or standardize the inputs.',
    )
    expect(describeFinding(samples['still-improving'])).toBe('Still improving at the last epoch, 1.2 % above the exact optimum: train for more epochs or raise the learning rate.')
    expect(describeFinding({ code: 'badly-scaled', condition: Infinity })).toContain('the loss curves ∞× more steeply')
    expect(t('zh-CN', samples.oscillating)).toBe('损失时升时降：步子迈得太大（动量、Adam 或小批量噪声，学习率为 0.3）。请调低学习率（例如 0.1）或动量。')
  })

  it('a template without its value is a programming error, not a sentence with a hole', () => {
    expect(() => interpolate('at epoch {epoch}', {})).toThrow('No value for {epoch}')
  })
})
