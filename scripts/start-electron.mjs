// `npm start`: build and open the desktop app — or say clearly why it cannot, and what works instead.
import { spawnSync } from 'node:child_process'
import { findElectron } from './electron-binary.mjs'

const electron = findElectron()
if (!electron.path) {
  console.error(`Slope desktop cannot start: ${electron.reason}.`)
  console.error('Everything else works without it: the slope command (npx slope --help) and the tests (npm test).')
  process.exit(1)
}
const run = (args) => spawnSync('npx', args, { stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1
process.exit(run(['electron-vite', 'preview']))
