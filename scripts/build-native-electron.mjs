// Builds better-sqlite3 for Electron's ABI into out/native/, beside (never instead of) the Node-ABI
// build in node_modules that tests, the CLI and browser mode load. Runs in the start and packaging
// paths only — never in postinstall — so `npm test` and `npm start` work in any order.
//
// Needs Electron's headers, which node-gyp fetches from electronjs.org (or a prebuilt binary from
// GitHub via prebuild-install): on a machine that reaches neither this fails with a clear message.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
const abi = require('node-abi').getAbi(electronVersion, 'electron')
const target = join(root, 'out', 'native', `better_sqlite3-electron-${abi}.node`)

if (existsSync(target)) {
  console.log(`better-sqlite3 for Electron ${electronVersion} (ABI ${abi}) is built: ${target}`)
  process.exit(0)
}

const source = dirname(require.resolve('better-sqlite3/package.json'))
const work = mkdtempSync(join(tmpdir(), 'slope-native-'))
try {
  cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${join(source, 'build')}`) })
  console.log(`building better-sqlite3 for Electron ${electronVersion} (ABI ${abi})…`)
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js')
  execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], {
    cwd: work,
    stdio: 'inherit',
  })
  mkdirSync(dirname(target), { recursive: true })
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target)
  console.log(`built ${target}`)
} catch (e) {
  console.error(`Could not build better-sqlite3 for Electron ${electronVersion}: ${e.message}`)
  console.error('It needs Electron’s headers from electronjs.org. Browser mode (npm run web) needs no native rebuild.')
  process.exit(1)
} finally {
  rmSync(work, { recursive: true, force: true })
}
