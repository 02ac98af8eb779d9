import type { BenchCase, BenchReply } from '../bench-api'

/** The benchmark page: runs each case in a fresh Web Worker (bench-worker.ts), as the app would. */
function runBenchCase(request: BenchCase): Promise<BenchReply> {
  return new Promise<BenchReply>((resolve) => {
    const worker = new Worker('/bench-worker.js', { type: 'module' })
    worker.onerror = (e) => resolve({ ok: false, message: `worker error: ${e.message}` })
    worker.onmessage = (e: MessageEvent<BenchReply>) => {
      worker.terminate()
      resolve(e.data)
    }
    worker.postMessage(request)
  })
}

;(globalThis as unknown as { runBenchCase: typeof runBenchCase }).runBenchCase = runBenchCase
