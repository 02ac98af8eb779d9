#!/usr/bin/env node
// The `slope` command: runs the JavaScript that scripts/build-cli.mjs bundles into out/cli/ (run by
// `npm install` / `npm ci` through package.json's `prepare`), so it starts without a TypeScript
// compiler.
// The bundle is minified: SLOPE_DEBUG=1's stack traces point into the sources through its maps.
if (process.env.SLOPE_DEBUG === '1') process.setSourceMapsEnabled(true)
// Node 22.1+ keeps V8's compiled code of the bundle between runs (feature-detected: a no-op on Node 20),
// in the user's cache folder, never beside the database.
import nodeModule from 'node:module'
if (typeof nodeModule.enableCompileCache === 'function') {
  try {
    const { homedir } = await import('node:os')
    nodeModule.enableCompileCache(`${process.env.XDG_CACHE_HOME || `${homedir()}/.cache`}/slope/compile-cache`)
  } catch {} // a cache that cannot be written only costs the start-up it would have saved
}
let cli
try {
  cli = await import('../out/cli/main.js')
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !/out[\\/]cli[\\/]main\.js/.test(String(e.message))) throw e
  process.stderr.write('error: the slope command is not built yet. Run npm install (or npm run build:cli) in the Slope folder, then try again.\n')
  process.exit(1)
}
process.exitCode = await cli.main(process.argv.slice(2))
