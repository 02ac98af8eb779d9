import { describe, expect, it } from 'vitest'
import { formatCount, formatDuration, formatEquation, formatNumber, MINUS } from './format'
import { logTicks } from './log-ticks'

describe('the app’s number format', () => {
  it('six significant digits by default, trailing zeros dropped', () => {
    expect(formatNumber(3.14159265)).toBe('3.14159')
    expect(formatNumber(0.1 + 0.2)).toBe('0.3')
    expect(formatNumber(2.5)).toBe('2.5')
    expect(formatNumber(0.00312345678)).toBe('0.00312346')
    expect(formatNumber(3.14159265, 3)).toBe('3.14')
  })

  it('groups from five integer digits in English and Chinese, but not a year', () => {
    expect(formatNumber(60323)).toBe('60,323')
    expect(formatNumber(234289.4)).toBe('234,289')
    expect(formatNumber(1947)).toBe('1947')
    expect(formatNumber(60323, 6, {}, 'zh-CN')).toBe('60,323')
  })

  it('exponent form from 10⁶ and below 10⁻⁴ (as rounded), with a real minus sign', () => {
    expect(formatNumber(5_000_000)).toBe('5e6')
    expect(formatNumber(1.23456789e184)).toBe('1.23457e184')
    expect(formatNumber(999_999.7)).toBe('1e6')
    expect(formatNumber(0.0001)).toBe('0.0001')
    expect(formatNumber(3.2e-7)).toBe(`3.2e${MINUS}7`)
    expect(formatNumber(-4.5e-12, 3)).toBe(`${MINUS}4.5e${MINUS}12`)
  })

  it('negative values with U+2212, never a hyphen', () => {
    expect(formatNumber(-3.016061)).toBe(`${MINUS}3.01606`)
    expect(formatNumber(-60323)).toBe(`${MINUS}60,323`)
    expect(formatNumber(-Infinity)).toBe(`${MINUS}∞`)
  })

  it('no value: a dash; zero and values that round to zero: 0', () => {
    expect(formatNumber(null)).toBe('—')
    expect(formatNumber(undefined)).toBe('—')
    expect(formatNumber(Number.NaN)).toBe('—')
    expect(formatNumber(0)).toBe('0')
    expect(formatNumber(-0)).toBe('0')
  })

  it('a style moves the exponent bounds (the rates’ 0.01 … 10⁴)', () => {
    expect(formatNumber(10 ** -2.5, 3, { plainFrom: 1e-2, exponentFrom: 1e4 })).toBe(`3.16e${MINUS}3`)
    expect(formatNumber(12345, 3, { plainFrom: 1e-2, exponentFrom: 1e4 })).toBe('1.23e4')
  })

  it('counts are whole and always grouped', () => {
    expect(formatCount(2687)).toBe('2,687')
    expect(formatCount(15)).toBe('15')
    expect(formatCount(1_000_000)).toBe('1,000,000')
  })

  it('durations', () => {
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(12_345)).toBe('12.3 s')
    expect(formatDuration(185_000)).toBe('3 min 5 s')
    expect(formatDuration(179_600)).toBe('3 min 0 s')
    expect(formatDuration(59_990)).toBe('1 min 0 s')
    expect(formatDuration(3_599_600)).toBe('1 h 0 min')
    // A scan's time left of a week: hours and minutes, not "10,019 min".
    expect(formatDuration(10_019 * 60_000)).toBe('6 d 23 h')
    expect(formatDuration(2 * 3_600_000 + 47 * 60_000 + 12_000)).toBe('2 h 47 min')
  })

  it('equations: "+ −3.01606·价格", never "+ -3.01606"', () => {
    expect(formatEquation('ŷ', ['面积', '价格'], [0.5, -3.016061], 12)).toBe(`ŷ = 0.5·面积 + ${MINUS}3.01606·价格 + 12`)
  })
})

describe('log-axis ticks', () => {
  it('every power of ten over a few decades', () => {
    expect(logTicks(0.0009, 2)).toEqual([0.001, 0.01, 0.1, 1])
  })

  it('1-2-5 when the range is under two decades', () => {
    expect(logTicks(0.15, 6)).toEqual([0.2, 0.5, 1, 2, 5])
    expect(logTicks(3e-5, 1.2e-4)).toEqual([5e-5, 1e-4])
  })

  it('a diverged run’s 187 decades: every 25th power of ten, evenly', () => {
    expect(logTicks(0.001, 2e184)).toEqual([1, 1e25, 1e50, 1e75, 1e100, 1e125, 1e150, 1e175])
  })

  it('nothing for a range without a 1-2-5 value or an empty one', () => {
    expect(logTicks(0.3, 0.45)).toEqual([])
    expect(logTicks(0, 10)).toEqual([])
    expect(logTicks(5, 5)).toEqual([])
  })
})
