import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { parseTrainConfig } from '../../../src-core/train/config'
import settingMessages from '../i18n/messages/settings'
import { configRecord, settingPathLabel, settingValueName } from './setting-labels'

const i18n = (locale: 'en' | 'zh-CN') => createI18n({ legacy: false, locale, messages: settingMessages }).global.t as (key: string) => string

describe('the comparison shows the settings a run used, in the settings table’s words', () => {
  it('an SGD run has its own hyperparameters and none of Adam’s or RMSprop’s', () => {
    const keys = Object.keys(configRecord(parseTrainConfig({ optimizer: 'sgd' })))
    expect(keys).toEqual(expect.arrayContaining(['momentum', 'dampening', 'nesterov', 'weightDecay']))
    for (const other of ['beta1', 'beta2', 'eps', 'alpha', 'centered', 'amsgrad', 'lrDecay', 'initialAccumulator']) expect(keys).not.toContain(other)
  })

  it('an RMSprop run shows α, ε, momentum, centered and weight decay; Adagrad its decay and accumulator', () => {
    const rms = Object.keys(configRecord(parseTrainConfig({ optimizer: 'rmsprop' })))
    expect(rms.filter((k) => ['alpha', 'eps', 'momentum', 'centered', 'weightDecay', 'nesterov', 'beta1'].includes(k))).toEqual(['momentum', 'alpha', 'eps', 'centered', 'weightDecay'])
    expect(configRecord(parseTrainConfig({ optimizer: 'adagrad' }))).toMatchObject({ lrDecay: 0, initialAccumulator: 0, eps: 1e-10 })
  })

  it('a least-squares run shows its data preparation, solver and inference settings, no learning rate', () => {
    expect(Object.keys(configRecord(parseTrainConfig({ solver: 'lstsq' })))).toEqual(['missing', 'validationFraction', 'standardize', 'intercept', 'solver', 'covariance', 'ciLevel'])
  })

  it('labels paths and names values, in English and 简体中文', () => {
    const en = i18n('en')
    const zh = i18n('zh-CN')
    expect(settingPathLabel('learningRate', en)).toBe('Learning rate')
    expect(settingPathLabel('schedule.kind', en)).toBe('Schedule')
    expect(settingPathLabel('schedule.gamma', en)).toBe('Schedule: γ')
    expect(settingPathLabel('earlyStopping.patience', zh)).toBe('提前停止: 耐心（轮）')
    expect(settingPathLabel('dataset', en)).toBeNull()
    expect(settingValueName('optimizer', 'rmsprop', zh)).toBe('RMSprop')
    expect(settingValueName('missing', 'drop', en)).toBe('Drop those rows')
    expect(settingValueName('schedule.kind', 'cosine', zh)).toBe('余弦')
    expect(settingValueName('learningRate', 0.1, en)).toBeNull()
  })
})
