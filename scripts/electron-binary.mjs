// Finds the Electron executable without triggering electron's lazy download (which needs GitHub,
// unreachable on some machines). Shared by `npm start` and the Electron e2e fixture.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** @returns {{ path: string } | { path: null, reason: string }} */
export function findElectron() {
  let packageDir
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return { path: null, reason: 'the electron package is not installed (run npm install)' }
  }
  const pathFile = join(packageDir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron'
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist')
  const executable = join(dist, relative)
  if (existsSync(pathFile) && existsSync(executable)) return { path: executable }
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH && existsSync(executable)) return { path: executable }
  return {
    path: null,
    reason:
      'the Electron binary is not downloaded (electron fetches it from GitHub on first run; run `npx install-electron` where GitHub is reachable, or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron)',
  }
}
