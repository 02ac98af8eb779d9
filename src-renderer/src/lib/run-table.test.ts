import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../src-core/contract'
import { distinguishingLabels, emptyFilter, filterRuns, formatRate, groupLabelParts, groupsOf, isFiltering, parseTags, sortRuns, sweepName, tagsOf } from './run-table'

function run(id: number, over: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: `run ${id}`,
    datasetId: 1,
    datasetName: 'tutorial.csv',
    groupId: null,
    target: 'y',
    features: ['x'],
    status: 'completed',
    paused: false,
    solver: 'gd',
    optimizer: 'sgd',
    learningRate: 0.01,
    backend: 'cpu',
    epochs: 100,
    epochsRun: 100,
    divergedAt: null,
    finalLoss: 1,
    bestLoss: 1,
    finalValLoss: null,
    trainMs: 1,
    createdAt: `2026-11-25T00:00:0${id}.000Z`,
    startedAt: null,
    finishedAt: null,
    starred: false,
    tags: [],
    notes: '',
    error: null,
    ...over,
  }
}

const G1 = '3f9a1c2b-0000-4000-8000-000000000001'
const G2 = 'aa00ff11-0000-4000-8000-000000000002'
const runs = [
  run(1, { name: 'baseline', finalLoss: 0.5, bestLoss: 0.5, starred: true, tags: ['keep'] }),
  run(2, { name: 'sweep lr=0.001', groupId: G1, learningRate: 0.001, finalLoss: 2, bestLoss: 2 }),
  run(3, { name: 'sweep lr=1', groupId: G1, learningRate: 1, status: 'diverged', finalLoss: 8e305, bestLoss: 5.9 }),
  run(4, { name: 'Longley', datasetId: 2, datasetName: 'longley.csv', finalLoss: null, bestLoss: null, status: 'queued', tags: ['econ', 'keep'] }),
  run(5, { name: 'other sweep', groupId: G2, notes: 'Tried Adam here', optimizer: 'adam', finalLoss: 0.2, bestLoss: 0.1 }),
]
const ids = (rs: RunSummary[]) => rs.map((r) => r.id)

describe('filtering runs', () => {
  it('no filter keeps every run', () => {
    expect(ids(filterRuns(runs, emptyFilter()))).toEqual([1, 2, 3, 4, 5])
    expect(isFiltering(emptyFilter())).toBe(false)
  })

  it('text matches name, notes, dataset and tags, ignoring case', () => {
    const by = (text: string) => ids(filterRuns(runs, { ...emptyFilter(), text }))
    expect(by('SWEEP')).toEqual([2, 3, 5])
    expect(by('adam')).toEqual([5]) // in the notes
    expect(by('longley')).toEqual([4])
    expect(by('econ')).toEqual([4])
    expect(by('3f9a1c')).toEqual([]) // a sweep's random id is nothing people see
    expect(by('  ')).toEqual([1, 2, 3, 4, 5])
  })

  it('status, starred, tag, dataset and group combine (all must hold)', () => {
    expect(ids(filterRuns(runs, { ...emptyFilter(), status: 'diverged' }))).toEqual([3])
    expect(ids(filterRuns(runs, { ...emptyFilter(), starredOnly: true }))).toEqual([1])
    expect(ids(filterRuns(runs, { ...emptyFilter(), tag: 'keep' }))).toEqual([1, 4])
    expect(ids(filterRuns(runs, { ...emptyFilter(), tag: 'keep', datasetId: 2 }))).toEqual([4])
    expect(ids(filterRuns(runs, { ...emptyFilter(), groupId: G1 }))).toEqual([2, 3])
    expect(ids(filterRuns(runs, { ...emptyFilter(), groupId: G1, text: 'lr=1' }))).toEqual([3])
    expect(isFiltering({ ...emptyFilter(), starredOnly: true })).toBe(true)
  })
})

describe('sorting runs', () => {
  it('by final loss, missing values last in both directions', () => {
    expect(ids(sortRuns(runs, 'finalLoss', 'asc'))).toEqual([5, 1, 2, 3, 4])
    expect(ids(sortRuns(runs, 'finalLoss', 'desc'))).toEqual([3, 2, 1, 5, 4])
  })

  it('by name with numbers in order and case ignored', () => {
    const named = [run(1, { name: 'lr 10' }), run(2, { name: 'lr 9' }), run(3, { name: 'Alpha' })]
    expect(ids(sortRuns(named, 'name', 'asc'))).toEqual([3, 2, 1])
  })

  it('ties keep newest first; status puts training runs first', () => {
    expect(ids(sortRuns(runs, 'learningRate', 'asc'))).toEqual([2, 5, 4, 1, 3])
    expect(ids(sortRuns(runs, 'status', 'asc'))).toEqual([4, 5, 2, 1, 3])
    expect(ids(sortRuns(runs, 'starred', 'desc'))).toEqual([1, 5, 4, 3, 2])
  })

  it('by group: runs without one last', () => {
    expect(ids(sortRuns(runs, 'group', 'asc'))).toEqual([3, 2, 5, 4, 1])
  })

  it('does not change the list it sorts', () => {
    const copy = [...runs]
    sortRuns(runs, 'bestLoss', 'desc')
    expect(runs).toEqual(copy)
  })
})

describe('tags and groups', () => {
  it('parses typed tags: trimmed, no empties or repeats, Chinese comma too', () => {
    expect(parseTags(' a, b,, a ,c ')).toEqual(['a', 'b', 'c'])
    expect(parseTags('基线，好')).toEqual(['基线', '好'])
    expect(parseTags('')).toEqual([])
  })

  it('lists tags in use and groups newest first with counts, names and rate ranges', () => {
    expect(tagsOf(runs)).toEqual(['econ', 'keep'])
    expect(groupsOf(runs)).toEqual([
      // "other sweep" is not a name main gives a sweep's run (no "lr=…"): renamed, so no name
      { groupId: G2, name: null, minRate: 0.01, maxRate: 0.01, rateCount: 1, count: 1, newestId: 5 },
      // "sweep lr=…": main's default prefix, i.e. the user named it nothing
      { groupId: G1, name: null, minRate: 0.001, maxRate: 1, rateCount: 2, count: 2, newestId: 3 },
    ])
  })
})

describe('sweep labels', () => {
  it('reads back the name given, with or without the optimizer axis, Chinese too', () => {
    const named = (names: string[], optimizers: string[] = names.map(() => 'sgd')) => names.map((name, i) => ({ name, optimizer: optimizers[i]! }))
    expect(sweepName(named(['销售 sweep lr=0.0001', '销售 sweep lr=0.00316', '销售 sweep lr=1']))).toBe('销售 sweep')
    expect(sweepName(named(['big one sgd lr=0.1', 'big one adam lr=0.1', 'big one rmsprop lr=1'], ['sgd', 'adam', 'rmsprop']))).toBe('big one')
    // one optimizer: a last word that names one is part of the sweep's name
    expect(sweepName(named(['try sgd lr=0.1', 'try sgd lr=1']))).toBe('try sgd')
  })

  it('has no name for the default prefix, renamed runs or runs that disagree', () => {
    const sgd = (...names: string[]) => names.map((name) => ({ name, optimizer: 'sgd' }))
    expect(sweepName(sgd('sweep lr=0.001', 'sweep lr=0.01'))).toBeNull()
    expect(sweepName([{ name: 'sweep sgd lr=0.001', optimizer: 'sgd' }, { name: 'sweep adam lr=0.01', optimizer: 'adam' }])).toBeNull()
    expect(sweepName(sgd('mine lr=0.001', 'my favourite'))).toBeNull()
    expect(sweepName(sgd('a lr=0.001', 'b lr=0.01'))).toBeNull()
    expect(sweepName([])).toBeNull()
  })

  it('labels an unnamed sweep by its range and number of rates, never its id', () => {
    // 9 rates from 1e-4 to 1 (half-decade steps), twice (SGD and Adam): 18 runs
    const rates = Array.from({ length: 9 }, (_, i) => 1e-4 * 10 ** (i / 2))
    const sweep = (['sgd', 'adam'] as const).flatMap((o, k) => rates.map((lr, i) => run(10 + 9 * k + i, { name: `sweep ${o} lr=${lr}`, optimizer: o, groupId: G1, learningRate: lr })))
    const [g] = groupsOf(sweep)
    expect(g!.count).toBe(18)
    expect(groupLabelParts(g!)).toEqual({ key: 'rates', values: { min: '1e\u22124', max: '1', n: 9 } })
    const named = groupsOf(sweep.map((r) => ({ ...r, name: r.name.replace(/^sweep/, 'housing') })))[0]!
    expect(groupLabelParts(named)).toEqual({ key: 'named', values: { name: 'housing' } })
  })

  it('formats rates in full: exponent form below 0.01, three significant digits', () => {
    expect(formatRate(10 ** -2.5)).toBe('3.16e\u22123')
    expect(formatRate(1e-4)).toBe('1e\u22124')
    expect(formatRate(0.0316227766)).toBe('0.0316')
    expect(formatRate(1)).toBe('1')
    expect(formatRate(0.1)).toBe('0.1')
    expect(formatRate(12345)).toBe('1.23e4')
  })
})

describe('what tells compared runs apart', () => {
  const label = (o: string) => o.toUpperCase()
  it('the rate when only rates differ, optimizer first when both do', () => {
    const sweep = [run(1, { learningRate: 10 ** -2.5 }), run(2, { learningRate: 1 })]
    expect([...distinguishingLabels(sweep, label, 'lstsq').values()]).toEqual(['lr 3.16e\u22123', 'lr 1'])
    const both = [...sweep, run(3, { optimizer: 'adam', learningRate: 1 })]
    expect([...distinguishingLabels(both, label, 'lstsq').values()]).toEqual(['SGD · lr 3.16e\u22123', 'SGD · lr 1', 'ADAM · lr 1'])
  })

  it('the names when neither differs; least squares by its solver', () => {
    const same = [run(1, { name: 'a' }), run(2, { name: 'b' })]
    expect([...distinguishingLabels(same, label, 'lstsq').values()]).toEqual(['a', 'b'])
    const mixed = [run(1), run(2, { solver: 'lstsq' })]
    expect([...distinguishingLabels(mixed, label, 'least squares').values()]).toEqual(['SGD', 'least squares'])
  })
})
