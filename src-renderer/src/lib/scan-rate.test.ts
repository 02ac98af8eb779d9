import { describe, expect, it } from 'vitest'
import { scanFigures } from './scan-rate'

describe('a linked run’s scan figures', () => {
  it('counts earlier passes whole and takes the rate over every pass read', () => {
    // Pass 3 of 10 over 1,000,000 rows (50 MB), 500,000 rows into it, 5 s since the scan began:
    // 2.5 M rows in 5 s = 500,000 rows/s = 25 MB/s; 7.5 M rows left = 15 s.
    const f = scanFigures({ runId: 1, pass: 3, passes: 10, rowsRead: 500_000, rowsTotal: 1_000_000, bytesTotal: 50_000_000, elapsedMs: 5000 })
    expect(f.rowsDone).toBe(2_500_000)
    expect(f.rowsAll).toBe(10_000_000)
    expect(f.rowsPerSecond).toBe(500_000)
    expect(f.bytesPerSecond).toBe(25_000_000)
    expect(f.etaMs).toBe(15_000)
  })

  it('without a known number of passes, the ETA is the current pass’s', () => {
    const f = scanFigures({ runId: 1, pass: 2, passes: null, rowsRead: 250, rowsTotal: 1000, bytesTotal: 1000, elapsedMs: 1250 })
    expect(f.rowsAll).toBeNull()
    expect(f.rowsPerSecond).toBe(1000) // 1,250 rows in 1.25 s
    expect(f.etaMs).toBe(750) // 750 rows of pass 2 left
  })

  it('has no rate and no ETA before anything was read', () => {
    const f = scanFigures({ runId: 1, pass: 1, passes: 2, rowsRead: 0, rowsTotal: 1000, bytesTotal: 1000, elapsedMs: 0 })
    expect(f.rowsPerSecond).toBeNull()
    expect(f.bytesPerSecond).toBeNull()
    expect(f.etaMs).toBeNull()
  })
})
