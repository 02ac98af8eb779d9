import { conformanceCases, type ConformanceOptions } from '../../../src-core/backends/conformance'
import { WebglBackend } from '../../../src-core/backends/webgl/webgl-backend'
import type { CaseResult } from '../harness-api'

/** Web Worker: runs one conformance case against the WebGL backend, in this worker's WebGL2 context. */
interface Request {
  index: number
  options: ConformanceOptions
}

const scope = globalThis as unknown as { onmessage: (e: MessageEvent<Request>) => void; postMessage(result: CaseResult): void }

scope.onmessage = async ({ data: { index, options } }) => {
  try {
    await conformanceCases[index]!.run(async (precision) => {
      if (precision !== 'f32') throw new Error(`the WebGL backend computes in f32 only (asked for ${precision})`)
      return new WebglBackend()
    }, options)
    scope.postMessage({ ok: true, message: '' })
  } catch (e) {
    scope.postMessage({ ok: false, message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) })
  }
}
