import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

/** The UI specs serve the built renderer: build it once before them (electron-vite, ~15 s). */
export default function globalSetup(): void {
  const root = join(import.meta.dirname, '..', '..')
  const r = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) throw new Error('electron-vite build failed')
  // The specs run the built `slope` command (out/cli) as users do: rebuilt with the sources.
  if (spawnSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], { cwd: root, stdio: 'inherit' }).status !== 0) throw new Error('the slope command did not build')
}
