// Starts workers/gradient-thread.ts from source (tests, benchmarks, the CLI run through tsx):
// Node 20 cannot load a .ts worker itself. The built app points at the bundled entry instead.
import { register } from 'tsx/esm/api'

register()
await import('./gradient-thread.ts')
