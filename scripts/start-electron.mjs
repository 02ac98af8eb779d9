// `npm start`: build and open the desktop app — or say clearly why it cannot, and what works instead.
import { spawnSync } from 'node:child_process'
import { findElectron } from './electron-binary.mjs'

const electron = findElectron()
if (!electron.path) {
  console.error(`Slope desktop cannot start: ${electron.reason}.`)
  console.error('Everything else works without it: `npm run web` opens the same app in your browser, `npx slope --help` is the command line, `npm test` the tests.')
  process.exit(1)
}
const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1
// The Electron-ABI sqlite build goes to out/native/, the Node build in node_modules stays for tests.
if (run(process.execPath, ['scripts/build-native-electron.mjs']) !== 0) process.exit(1)
process.exit(run('npx', ['electron-vite', 'preview']))
