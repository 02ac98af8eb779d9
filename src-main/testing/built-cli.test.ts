import { utimesSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cliBuildIsCurrent, ensureCliBuilt } from '../../scripts/build-cli.mjs'
import { repoRoot, runCli } from './run-cli'

const noTypeScriptLoader = fileURLToPath(new URL('./no-typescript-loader.mjs', import.meta.url))
const tutorial = 'resources/examples/tutorial.csv'

describe('the built slope command', () => {
  it('trains the tutorial with neither the command nor its training worker loading a TypeScript loader', async () => {
    const r = await runCli(['train', tutorial, '--target', 'y', '--lr', '0.01', '--epochs', '50', '--no-standardize', '--no-db'], {
      env: { NODE_OPTIONS: `--import=${noTypeScriptLoader}` },
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    // The tutorial's own figures (README): the worker really ran the 50 epochs.
    expect(r.stdout).toContain('epoch: 49, loss: 0.2182507')
  })

  it('the preload does catch a TypeScript loader (the check above can fail)', async () => {
    const r = await runCli(['--help'], { env: { NODE_OPTIONS: `--import=${noTypeScriptLoader} --import=tsx` } })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('a TypeScript loader was imported')
  })

  it('is rebuilt when a source it bundles changed after the build', async () => {
    await ensureCliBuilt()
    expect(cliBuildIsCurrent()).toBe(true)
    const now = new Date()
    utimesSync(join(repoRoot, 'src-main/cli/usage-error.ts'), now, now)
    expect(cliBuildIsCurrent()).toBe(false)
    await ensureCliBuilt()
    expect(cliBuildIsCurrent()).toBe(true)
  })
})
