// Starts a TypeScript worker entry under plain Node (CLI, browser mode, tests): registers tsx's
// loader in this thread, then imports the entry named in workerData. The desktop app runs the
// bundled out/main/workers/*.js instead.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
