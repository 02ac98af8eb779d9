import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The Electron-ABI build of better-sqlite3, made by `npm start` / `npm run dist`
 * (scripts/build-native-electron.mjs) into out/native/, beside the Node-ABI build in node_modules
 * that tests, the CLI and browser mode use. Both coexist, so `npm start` and `npm test` work in
 * any order. Undefined where there is none (then better-sqlite3 loads its default build).
 */
export function electronNativeBinding(): string | undefined {
  const abi = process.versions.modules
  const candidates = [
    join(process.resourcesPath ?? '', 'app.asar.unpacked', 'out', 'native', `better_sqlite3-electron-${abi}.node`),
    fileURLToPath(new URL(`../native/better_sqlite3-electron-${abi}.node`, import.meta.url)), // out/main → out/native
  ]
  return candidates.find((p) => existsSync(p))
}
