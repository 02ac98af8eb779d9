import { describe, expect, it } from 'vitest'
import { importBytes, importFixture, inputError, pandasReference } from '../testing/import-helpers'
import { autoOneHotColumns, oneHotEncode } from './one-hot'

describe('one-hot encoding', () => {
  it("matches pandas' get_dummies(drop_first=True): sorted levels, the first dropped", async () => {
    const r = await importFixture('categories.csv')
    const ref = pandasReference['categories.csv:get_dummies'] as unknown as { columns: string[]; values: Record<string, number[]> }
    const { table, encodings } = oneHotEncode(r, ['区域', 'size'])
    // pandas names a dummy "区域_华南"; Slope "区域=华南" — same levels, same order, same values.
    expect(encodings.flatMap((e) => e.names.map((n) => n.replace('=', '_')))).toEqual(ref.columns)
    for (const e of encodings) {
      e.names.forEach((n) => expect(Array.from(table.column(n))).toEqual(ref.values[n.replace('=', '_')]))
    }
    expect(encodings.map((e) => e.reference)).toEqual(['华东', 'L'])
    expect(table.source.excluded).toEqual([]) // the text columns are now represented
  })

  it('auto picks text columns with 2–20 values', async () => {
    expect(autoOneHotColumns(await importFixture('categories.csv'))).toEqual(['区域', 'size'])
  })

  it('an empty cell is missing in every dummy, not the reference level', async () => {
    const r = await importBytes('c,y\na,1\nb,2\n,3\nc,4\n')
    const { table } = oneHotEncode(r, ['c'])
    expect(Array.from(table.column('c=b'))).toEqual([0, 1, NaN, 0])
    expect(Array.from(table.column('c=c'))).toEqual([0, 0, NaN, 1])
  })

  it('prediction data: the model’s levels, an unseen value missing and counted', async () => {
    const r = await importBytes('c,x\nb,1\nz,2\na,3\n')
    const { table, encodings } = oneHotEncode(r, ['c'], new Map([['c', { reference: 'a', levels: ['b', 'c'] }]]))
    expect(Array.from(table.column('c=b'))).toEqual([1, NaN, 0])
    expect(Array.from(table.column('c=c'))).toEqual([0, NaN, 0]) // "c" absent from this file: still a column
    expect(encodings[0]!.unknownRows).toBe(1)
  })

  it('refuses numeric, unknown, single-valued and many-valued columns with the reason', async () => {
    const r = await importBytes('c,k,y\na,1,1\nb,1,2\n')
    expect((await inputError(Promise.resolve().then(() => oneHotEncode(r, ['y'])))).message).toBe(
      'Column "y" is a number column; one-hot encoding is for text columns with a few distinct values.',
    )
    expect((await inputError(Promise.resolve().then(() => oneHotEncode(r, ['nope'])))).message).toBe('There is no column "nope" in t.csv to one-hot encode.')
    const one = await importBytes('c,y\na,1\na,2\n')
    expect((await inputError(Promise.resolve().then(() => oneHotEncode(one, ['c'])))).message).toContain('has only one value ("a")')
    const many = await importBytes(`c,y\n${Array.from({ length: 300 }, (_, i) => `v${i},${i}`).join('\n')}\n`)
    expect((await inputError(Promise.resolve().then(() => oneHotEncode(many, ['c'])))).message).toBe(
      'Column "c" has 300 distinct values; one-hot encoding makes a feature of each, and Slope allows at most 100.',
    )
  })
})
