import { describe, expect, it } from 'vitest'
import { assembleKernels } from '../../../scripts/build-cpu-kernels'
import { kernelWasmBase64 } from './kernel-wasm-bytes'
import { wasmKernelsUnavailable } from './wasm-kernels'

describe('committed WebAssembly kernels', () => {
  it('are exactly what kernel-wat.ts assembles to (run `npm run wasm` after editing it)', async () => {
    const assembled = await assembleKernels()
    expect(Buffer.from(assembled).toString('base64')).toBe(kernelWasmBase64)
  })

  it('validate in this Node (SIMD and shared memory available)', () => {
    expect(wasmKernelsUnavailable()).toBeNull()
  })
})
