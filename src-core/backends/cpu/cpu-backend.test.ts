import { describe, it } from 'vitest'
import { conformanceCases, type ConformanceOptions } from '../conformance'
import { CpuBackend } from './cpu-backend'

// f64: only summation order differs from the reference. f32: the data are rounded the same way
// for both, and the CPU backend accumulates in double, so the same bound holds.
const options: ConformanceOptions = { precisions: ['f64', 'f32'], tolerance: { f64: 1e-12, f32: 1e-12 } }

describe('cpu backend conformance', () => {
  for (const c of conformanceCases) it(c.name, () => c.run(async (p) => new CpuBackend(p), options))
})
