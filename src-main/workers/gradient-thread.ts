import { parentPort } from 'node:worker_threads'
import { runGradientHelper, type HelperSetup } from '../../src-core/backends/cpu/gradient-threads'
import { runSegmentHelper, type SegmentHelperJob } from '../../src-core/model/least-squares-segments'

/**
 * node:worker_threads entry of one gradient helper thread (see src-core/backends/cpu/gradient-threads.ts).
 * Each message is a backend's HelperSetup; the thread works for that backend until it publishes a
 * stop, then takes the next message. It answers 'ready' once it waits for work.
 */
const port = parentPort
if (!port) throw new Error('workers/gradient-thread.ts must run as a worker thread')

port.on('message', (setup: HelperSetup | SegmentHelperJob) => {
  // Least squares' row segments (least-squares-segments.ts): no reply, the fit waits on its memory.
  if ('kind' in setup) return runSegmentHelper(setup)
  try {
    runGradientHelper(setup, () => port.postMessage({ type: 'ready' }))
  } catch (e) {
    port.postMessage({ type: 'failed', message: (e as Error)?.message ?? String(e) })
  }
})
