import { describe, expect, it } from 'vitest'
import { textSource } from '../table/byte-source'
import { importTable } from '../table/import-table'
import { prepareData } from '../table/prepare'
import { Table } from '../table/table'
import { buildDesign, designTable, trainingDesign } from './design-matrix'

const read = (csv: string) => importTable(textSource('data.csv', csv))

// 城市 (city): 上海 (U+4E0A) sorts before 北京 (U+5317) in code-point order, though a Chinese
// collation would put 北京 (běi) first.
const cityCsv = `销售额,广告费,价格,城市,price ($)
10,1,5,北京,2
12,2,4,上海,3
15,3,6,深圳,5
11,4,5,北京,7
19,5,3,上海,11
`

const columnsOf = async (formula: string, csv = cityCsv) => {
  const design = buildDesign(formula, await read(csv))
  return { names: design.columns.map((c) => c.name), design }
}

describe('formula terms and names (as patsy prints them)', () => {
  it('reads CJK names bare and other names in backticks; text columns are factors against the first level in code-point order', async () => {
    const { names, design } = await columnsOf('`销售额` ~ `广告费` + 价格 + 城市 + `price ($)`')
    expect(design.response!.name).toBe('销售额')
    expect(names).toEqual(['城市[T.北京]', '城市[T.深圳]', '广告费', '价格', 'price ($)'])
    expect(Array.from(design.values[0]!)).toEqual([1, 0, 0, 1, 0])
    expect(design.state.factors).toEqual([{ name: '城市', levels: ['上海', '北京', '深圳'], reference: '上海' }])
  })

  it('C(col, Treatment("北京")) picks the reference level', async () => {
    const { names } = await columnsOf('销售额 ~ C(城市, Treatment("北京"))')
    expect(names).toEqual(['C(城市, Treatment("北京"))[T.上海]', 'C(城市, Treatment("北京"))[T.深圳]'])
  })

  it('expands crossing, powers of sums, nesting and removal as patsy, lower orders first', async () => {
    expect((await columnsOf('销售额 ~ (广告费 + 价格 + `price ($)`)^2')).names).toEqual([
      '广告费',
      '价格',
      'price ($)',
      '广告费:价格',
      '广告费:price ($)',
      '价格:price ($)',
    ])
    expect((await columnsOf('销售额 ~ 广告费 * 价格 - 价格')).names).toEqual(['广告费', '广告费:价格'])
    // patsy buckets terms by their numeric factors, so a:b comes before a when written first.
    expect((await columnsOf('销售额 ~ 广告费:价格 + 广告费')).names).toEqual(['广告费:价格', '广告费'])
    expect((await columnsOf('销售额 ~ 广告费 / 价格')).names).toEqual(['广告费', '广告费:价格'])
  })

  it('codes a factor in full where nothing spans the intercept: - 1, or an interaction without its main effect', async () => {
    const noIntercept = await columnsOf('销售额 ~ 城市 - 1')
    expect(noIntercept.design.intercept).toBe(false)
    expect(noIntercept.names).toEqual(['城市[上海]', '城市[北京]', '城市[深圳]'])
    expect((await columnsOf('销售额 ~ 0 + 价格')).design.intercept).toBe(false)
    expect((await columnsOf('销售额 ~ 价格:城市')).names).toEqual(['价格:城市[上海]', '价格:城市[北京]', '价格:城市[深圳]'])
    // Each bucket of numeric factors starts afresh (patsy prints the same for c + p:c).
    expect((await columnsOf('销售额 ~ 城市 + 价格:城市')).names).toEqual(['城市[T.北京]', '城市[T.深圳]', '价格:城市[上海]', '价格:城市[北京]', '价格:城市[深圳]'])
    expect((await columnsOf('销售额 ~ 价格 * 城市')).names).toEqual(['城市[T.北京]', '城市[T.深圳]', '价格', '价格:城市[T.北京]', '价格:城市[T.深圳]'])
  })

  it('poly(x, k) gives the raw powers as terms; I() and functions are named with patsy’s spacing', async () => {
    const { names, design } = await columnsOf('销售额 ~ poly(价格, 3) + I(广告费*2+1) + log(价格/2) + sqrt(广告费)')
    expect(names).toEqual(['价格', 'I(价格 ^ 2)', 'I(价格 ^ 3)', 'I(广告费 * 2 + 1)', 'log(价格 / 2)', 'sqrt(广告费)'])
    expect(Array.from(design.values[2]!)).toEqual([125, 64, 216, 125, 27])
    expect(Array.from(design.values[3]!)).toEqual([3, 5, 7, 9, 11])
    expect(design.values[4]![0]).toBeCloseTo(Math.log(2.5), 15)
  })

  it('Python precedence inside calls: -x ^ 2 is -(x²), powers are right-associative', async () => {
    const { design } = await columnsOf('销售额 ~ I(-广告费 ^ 2) + I(2 ^ 价格 ^ 0.5)')
    expect(Array.from(design.values[0]!)).toEqual([-1, -4, -9, -16, -25])
    expect(design.values[1]![1]).toBeCloseTo(2 ** 2, 14)
  })

  it('scale() and center() remember the training mean and standard deviation (ddof 0)', async () => {
    const { design } = await columnsOf('销售额 ~ scale(价格) + center(广告费)')
    const p = [5, 4, 6, 5, 3]
    const mean = p.reduce((a, b) => a + b) / 5
    const sd = Math.sqrt(p.reduce((a, b) => a + (b - mean) ** 2, 0) / 5)
    expect(design.state.transforms).toEqual([
      { name: 'scale(价格)', mean, scale: sd },
      { name: 'center(广告费)', mean: 3, scale: 1 },
    ])
    expect(Array.from(design.values[1]!)).toEqual([-2, -1, 0, 1, 2])
  })

  it('with a validation split, scale() and center() learn only from the rows training uses (no leakage from validation rows)', async () => {
    // y is missing in row 4 (dropped), and 3 of the 9 other rows are held out.
    const x = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    const csv = `y,x\n${x.map((v, i) => `${i === 3 ? '' : 3 * v + (i % 3)},${v}`).join('\n')}\n`
    const data = await read(csv)
    const rows = { missing: 'drop' as const, validationFraction: 0.3, seed: 7 }
    const design = trainingDesign('y ~ scale(x) + center(x)', data, rows)
    const prepared = prepareData(designTable(design, data.table.source), { target: 'y', missing: rows.missing, validationFraction: rows.validationFraction, seed: rows.seed, standardize: false, intercept: true })
    const train = Array.from(prepared.train.sourceRows, (r) => x[r]!)
    expect(train).toHaveLength(6)
    const mean = train.reduce((a, b) => a + b) / train.length
    const sd = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / train.length)
    const [scaled, centered] = design.state.transforms
    expect(scaled!.name).toBe('scale(x)')
    expect(scaled!.mean).toBeCloseTo(mean, 12)
    expect(scaled!.scale).toBeCloseTo(sd, 12)
    expect(centered).toMatchObject({ name: 'center(x)', scale: 1 })
    expect(centered!.mean).toBeCloseTo(mean, 12)
    // Every row's mean differs, so a design that learnt from validation rows fails the lines above.
    expect(Math.abs(x.reduce((a, b) => a + b) / x.length - mean)).toBeGreaterThan(1)
    // Without a split: every row with a value, as patsy.
    const whole = trainingDesign('y ~ scale(x)', data, { ...rows, validationFraction: 0 })
    expect(whole.state.transforms[0]!.mean).toBe(x.reduce((a, b) => a + b) / x.length)
  })

  it('a 300-level factor (a ZIP code) makes 299 columns; a design over the cell limit is refused before it is allocated', () => {
    const rows = 20_000
    const y = Float64Array.from({ length: rows }, (_, i) => i % 7)
    const textOf = (k: number) => ({ levels: Array.from({ length: k }, (_, i) => `Z${10_000 + i}`), codes: Int32Array.from({ length: rows }, (_, i) => i % k) })
    const zip = buildDesign('y ~ zip', { table: new Table(['y'], [y]), textColumns: new Map([['zip', textOf(300)]]) })
    expect(zip.columns).toHaveLength(299)
    expect(zip.columns[0]!.name).toBe('zip[T.Z10001]')
    expect(() => buildDesign('y ~ zip', { table: new Table(['y'], [y]), textColumns: new Map([['zip', textOf(10_000)]]) })).toThrow(
      'Formula "y ~ zip" makes over 9,999 design columns of 20,000 rows (term zip): more than the 100,000,000 cells Slope holds.',
    )
  })

  it('a transformed response says how predictions go back: exp of log(y) (the median)', async () => {
    expect((await columnsOf('log(销售额) ~ 价格')).design.response).toMatchObject({ name: 'log(销售额)', backTransform: 'exp', column: '销售额' })
    expect((await columnsOf('sqrt(销售额) ~ 价格')).design.response!.backTransform).toBe('square')
    expect((await columnsOf('I(销售额 * 2) ~ 价格')).design.response!.backTransform).toBeNull()
  })

  it('with a model’s state, rebuilds the same columns and makes unseen levels missing', async () => {
    const trained = buildDesign('销售额 ~ 城市 + scale(价格)', await read(cityCsv))
    const fresh = await read('销售额,价格,城市\n1,5,深圳\n2,9,广州\n')
    const again = buildDesign('销售额 ~ 城市 + scale(价格)', fresh, trained.state)
    expect(again.columns.map((c) => c.name)).toEqual(trained.columns.map((c) => c.name))
    expect(Array.from(again.values[1]!)).toEqual([1, NaN]) // 城市[T.深圳]
    expect(Array.from(again.unknownLevelRows)).toEqual([0, 1])
    const t = trained.state.transforms[0]!
    expect(again.values[2]![1]).toBeCloseTo((9 - t.mean) / t.scale, 14)
  })
})

describe('formula errors name the position and the problem', () => {
  const message = async (formula: string, csv = cityCsv) => {
    const data = await read(csv)
    try {
      buildDesign(formula, data)
    } catch (e) {
      return (e as Error).message
    }
    throw new Error(`no error for ${formula}`)
  }

  it('an unknown column, with the closest name', async () => {
    expect(await message('销售额 ~ 价钱')).toBe('Formula "销售额 ~ 价钱" at 7: unknown column `价钱`; did you mean `价格`?')
  })

  it('an unknown function, a missing parenthesis, a text column in arithmetic, a bad power, an unknown level', async () => {
    expect(await message('销售额 ~ lg(价格)')).toContain('" at 7: unknown function lg(); did you mean log()?')
    expect(await message('销售额 ~ log(价格')).toContain('" at 13: the formula ends where a closing ")" for log( should come.')
    expect(await message('销售额 ~ log(城市)')).toContain('" at 11: column `城市` holds text, so log(城市) cannot compute with it.')
    expect(await message('销售额 ~ (价格 + 广告费)^0')).toContain('" at 18: "^" needs a whole number of at least 1.')
    expect(await message('销售额 ~ C(城市, Treatment("广州"))')).toContain('" at 23: "广州" is not a level of column `城市`.')
    expect(await message('销售额 ~ 价格 ~ 广告费')).toContain('" at 10: unexpected "~" where a term (one "~" per formula) should come.')
  })

  it('log of a non-positive value names the spreadsheet row and the column', async () => {
    expect(await message('y ~ log(z)', 'y,z\n1,2\n2,0\n3,4\n')).toBe('Formula "y ~ log(z)" at 5: log of a non-positive value in row 3 of column z.')
  })
})
