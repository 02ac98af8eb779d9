import { describe, expect, it } from 'vitest'
import { addTerm, checkFormula, datasetFormulaColumns, dropsIntercept, factorLevels, factorTerm, formulaOfPicks, formulaSelection, interactionTerm, setIntercept, transformTerm } from './term-formula'

const data = { columns: ['y', 'x', 'z', 'ad spend'], data: [new Float64Array([1, 2]), new Float64Array([3, 1]), new Float64Array([2, NaN]), new Float64Array([5, 5])], textColumns: [{ name: 'city', levels: ['北京', '上海', 'Rome'] }] }
const columns = datasetFormulaColumns(data)

describe('term builder formulas', () => {
  it('starts from the picks, quoting names patsy would not read bare', () => {
    expect(formulaOfPicks('y', ['x', 'ad spend'])).toBe('y ~ x + `ad spend`')
    expect(formulaOfPicks('y', [], false)).toBe('y ~ 1 - 1')
  })

  it('writes terms as patsy names them, and the parser expands them to those names', () => {
    let f = formulaOfPicks('y', ['x'])
    f = addTerm(f, transformTerm('x', 'square'))
    f = addTerm(f, transformTerm('z', 'log'))
    f = addTerm(f, interactionTerm('x', 'z', false))
    f = addTerm(f, factorTerm('city', '北京'))
    expect(f).toBe('y ~ x + I(x ^ 2) + log(z) + x:z + C(city, Treatment("北京"))')
    const check = checkFormula(f, columns)
    expect(check).toEqual({ ok: true, response: 'y', terms: ['x', 'I(x ^ 2)', 'log(z)', 'x:z', 'C(city, Treatment("北京"))'], intercept: true, columns: ['y', 'x', 'z', 'city'] })
  })

  it('a formula implies its picks: the response’s column as target, the other numeric columns it reads as features (text columns are no picks)', () => {
    const picks = (f: string) => {
      const check = checkFormula(f, columns)
      return check.ok ? formulaSelection(check, data.columns) : check.sentence
    }
    expect(picks('log(z) ~ I(x ^ 2) + C(city) + `ad spend`:x')).toEqual({ target: 'z', features: ['x', 'ad spend'] })
    expect(picks('I(y / 2) ~ x')).toEqual({ target: 'y', features: ['x'] })
    expect(picks('y ~ city')).toEqual({ target: 'y', features: [] })
  })

  it('poly and crossing expand to their separate terms', () => {
    const check = checkFormula(addTerm('y ~ ', interactionTerm('x', 'z', true)) + ' + ' + transformTerm('x', 'poly', 3), columns)
    expect(check.ok && check.terms).toEqual(['x', 'z', 'x:z', 'I(x ^ 2)', 'I(x ^ 3)'])
  })

  it('keeps a dropped intercept dropped when a term is added, and toggles it', () => {
    const off = setIntercept('y ~ x', false)
    expect(off).toBe('y ~ x - 1')
    expect(dropsIntercept(off)).toBe(true)
    expect(addTerm(off, 'z')).toBe('y ~ x + z - 1')
    expect(setIntercept('y ~ x + z - 1', true)).toBe('y ~ x + z')
    expect(dropsIntercept('y ~ x + I(x - 10)')).toBe(false)
    expect(checkFormula(off, columns)).toMatchObject({ ok: true, intercept: false })
  })

  it('a misspelt column gives the position and a did-you-mean', () => {
    const check = checkFormula('y ~ x + zz', columns)
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.sentence).toMatch(/^Formula "y ~ x \+ zz" at 9: unknown column `zz`; did you mean `z`\?/)
  })

  it('levels: text in code-point order (上海 before 北京), numbers ascending without missing', () => {
    expect(factorLevels(data, 'city')).toEqual(['Rome', '上海', '北京'])
    expect(factorLevels(data, 'x')).toEqual([1, 3])
    expect(factorLevels(data, 'z')).toEqual([2])
    expect(factorTerm('x', 3)).toBe('C(x, Treatment(3))')
  })
})
