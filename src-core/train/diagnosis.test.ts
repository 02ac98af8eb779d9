import { describe, expect, it } from 'vitest'
import { tutorialTable, tutorialX } from '../testing/tutorial'
import { parseTrainConfig, type TrainConfigInput } from './config'
import { describeFinding, diagnose, type DiagnosisInput } from './diagnosis'
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
