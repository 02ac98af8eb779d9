// `npm run demo`: the slope command on the bundled examples, then the app itself — the desktop
// window where Electron's binary exists, else the same app in your browser (browser mode).
import { spawnSync } from 'node:child_process'
import { ensureCliBuilt } from './build-cli.mjs'
import { findElectron } from './electron-binary.mjs'

const run = (command, args) => {
  const r = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' })
  if (r.status !== 0 && r.status !== 130) process.exit(r.status ?? 1)
}
// The built command, rebuilt if a source changed since `npm install`.
await ensureCliBuilt()
const slope = (...args) => run(process.execPath, ['bin/slope.mjs', ...args])

console.log('\n$ slope lr resources/examples/tutorial.csv --target y --no-standardize')
slope('lr', 'resources/examples/tutorial.csv', '--target', 'y', '--no-standardize')
console.log('\n$ slope train resources/examples/tutorial.csv --target y --lr 0.01 --epochs 50 --no-standardize')
slope('train', 'resources/examples/tutorial.csv', '--target', 'y', '--lr', '0.01', '--epochs', '50', '--no-standardize', '--name', 'tutorial (demo)')
console.log('\n$ slope train resources/examples/longley.csv --target employment --solver lstsq')
slope('train', 'resources/examples/longley.csv', '--target', 'employment', '--solver', 'lstsq', '--name', 'Longley exact fit (demo)')

if (findElectron().path) {
  run(process.execPath, ['scripts/start-electron.mjs'])
} else {
  console.log('\nElectron’s binary is not available here: opening the same app in your browser (Ctrl-C stops it).')
  run('npx', ['electron-vite', 'build'])
  slope('web')
}
