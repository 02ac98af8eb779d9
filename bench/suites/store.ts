import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CpuBackend } from '../../src-core/backends/cpu/cpu-backend'
import { syntheticData } from '../../src-core/backends/conformance'
import { tutorialX, tutorialY } from '../../src-core/testing/tutorial'
import { parseTrainConfig } from '../../src-core/train/config'
import { runTrainingLoop } from '../../src-core/train/train-loop'
import { openDatabase } from '../../src-main/services/database'
import { RunStore, toBlob } from '../../src-main/services/run-store'
import type { BenchContext, BenchRow, BenchSuite } from '../bench-suite'

/**
 * Loss-history persistence: the chosen layout (one Float64 BLOB per progress batch) against one row
 * per epoch, for a million-epoch run of the tutorial; and the cost of storing the history as a share
 * of the time it takes to train it (the budget: under 5 %).
 */
const suite: BenchSuite = {
  name: 'store',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const epochs = ctx.quick ? 100_000 : 1_000_000
    const dir = mkdtempSync(join(tmpdir(), 'slope-bench-store-'))
    try {
      // Train the tutorial for `epochs` epochs, recording the batches the worker would post (every 50 ms).
      const config = parseTrainConfig({ epochs, learningRate: 0.01, standardize: false })
      const backend = new CpuBackend()
      await backend.load({ X: Float64Array.from(tutorialX), y: Float64Array.from(tutorialY), rows: 15, features: 1 }, null)
      const batches: [number, Float64Array][] = []
      const result = runTrainingLoop(backend, config, { features: 1, trainRows: 15, hasValidation: false }, new Float64Array(2), {
        progressEveryMs: 50,
        onProgress: (from, to, h) => batches.push([from, h.loss.slice(from, to)]),
      })
      const trainMs = result.trainMs

      const chunked = freshStore(join(dir, 'chunked.db'))
      const t0 = performance.now()
      for (const [from, loss] of batches) chunked.store.appendHistory(chunked.runId, from, loss, null)
      const chunkedWriteMs = performance.now() - t0
      const t1 = performance.now()
      const loaded = chunked.store.getRun(chunked.runId).loss
      const chunkedLoadMs = performance.now() - t1
      if (loaded.length !== epochs) throw new Error('history did not round-trip')

      // The alternative: one row per epoch (the best case for it: every insert in one transaction).
      const rows = freshStore(join(dir, 'rows.db'))
      rows.store.db.exec('CREATE TABLE loss_rows (run_id INTEGER, epoch INTEGER, loss REAL, PRIMARY KEY (run_id, epoch)) WITHOUT ROWID')
      const insert = rows.store.db.prepare('INSERT INTO loss_rows VALUES (?, ?, ?)')
      const t2 = performance.now()
      rows.store.db.transaction(() => {
        for (let e = 0; e < epochs; e++) insert.run(rows.runId, e, result.loss[e]!)
      })()
      const rowsWriteMs = performance.now() - t2
      const t3 = performance.now()
      const back = rows.store.db.prepare('SELECT loss FROM loss_rows WHERE run_id = ? ORDER BY epoch').raw().all(rows.runId) as number[][]
      Float64Array.from(back, (r) => r[0]!)
      const rowsLoadMs = performance.now() - t3
      chunked.store.close()
      rows.store.close()

      // The same share for a data set of realistic size, where an epoch reads 100,000 rows.
      const big = syntheticData(100_000, 16, 5, 'f64')
      const bigBackend = new CpuBackend()
      await bigBackend.load(big, null)
      const bigBatches: [number, Float64Array][] = []
      const bigEpochs = ctx.quick ? 100 : 500
      const bigRun = runTrainingLoop(bigBackend, parseTrainConfig({ epochs: bigEpochs, learningRate: 0.01 }), { features: 16, trainRows: 100_000, hasValidation: false }, new Float64Array(17), {
        progressEveryMs: 50,
        onProgress: (from, to, h) => bigBatches.push([from, h.loss.slice(from, to)]),
      })
      bigBackend.dispose()
      const bigStore = freshStore(join(dir, 'big.db'))
      const t4 = performance.now()
      for (const [from, loss] of bigBatches) bigStore.store.appendHistory(bigStore.runId, from, loss, null)
      const bigWriteMs = performance.now() - t4
      bigStore.store.close()

      const extra = { epochs, batches: batches.length, train_ms: round(trainMs) }
      ctx.log(`store: ${epochs.toLocaleString('en-US')} epochs trained in ${round(trainMs)} ms, stored as ${batches.length} chunks`)
      return [
        {
          suite: 'store',
          case: `history write, chunked (${batches.length} rows) vs per-epoch rows, ${epochs} epochs`,
          ms: chunkedWriteMs,
          baselines: { 'per-epoch rows': rowsWriteMs, 'training time': trainMs },
          ratios: { 'per-epoch rows': chunkedWriteMs / rowsWriteMs, 'training time': chunkedWriteMs / trainMs },
          notes: 'ratio vs training time is the share of the run spent storing its history (budget < 0.05)',
          extra: { ...extra, bytes: epochs * 8 },
        },
        {
          suite: 'store',
          case: `history write while training 100,000 × 16 for ${bigEpochs} epochs (${bigBatches.length} chunks)`,
          ms: bigWriteMs,
          baselines: { 'training time': bigRun.trainMs },
          ratios: { 'training time': bigWriteMs / bigRun.trainMs },
          notes: 'share of the run spent storing its history (budget < 0.05)',
        },
        {
          suite: 'store',
          case: `history load, ${epochs} epochs`,
          ms: chunkedLoadMs,
          baselines: { 'per-epoch rows': rowsLoadMs },
          ratios: { 'per-epoch rows': chunkedLoadMs / rowsLoadMs },
          extra,
        },
      ]
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

function freshStore(path: string) {
  const store = new RunStore(openDatabase(path), path)
  const dataset = store.addDataset({ name: 'tutorial', fileName: 'tutorial.csv', sha256: '0'.repeat(64), names: ['x', 'y'], columns: [Float64Array.from(tutorialX), Float64Array.from(tutorialY)] })
  const runId = store.createRun({ name: 'bench', datasetId: dataset.id, target: 'y', features: ['x'], config: parseTrainConfig({}) })
  return { store, runId }
}

function round(x: number): number {
  return Math.round(x * 10) / 10
}

export default suite
export { toBlob }

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await suite.run({ quick: process.argv.includes('--quick'), log: (l) => console.log(l) })
  for (const r of rows) console.log(JSON.stringify(r))
}
