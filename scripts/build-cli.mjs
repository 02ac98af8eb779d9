// Builds the `slope` command: the TypeScript of src-main/cli and its training workers bundled by
// esbuild into plain JavaScript under out/cli/, so the command starts without compiling anything
// (through tsx it spent ~0.4 s compiling at every start, and again in each worker). `npm install`
// and `npm ci` run it (package.json `prepare`); tests call ensureCliBuilt() so they never run a
// stale build.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
export const cliOutDir = join(root, 'out/cli')
const inputsFile = join(cliOutDir, 'inputs.json')

/**
 * zod's `z.locales` namespace re-exports its ~60 translations of validation messages; Slope never
 * selects one (its sentences are its own, and zod's English default comes from locales/en.js, which
 * stays), so the bundle leaves the namespace empty rather than parse 200 kB at every start.
 */
const zodWithoutLocales = {
  name: 'zod-without-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /zod[\\/]v4[\\/]classic[\\/]external\.js$/.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-without-locales' } : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'zod-without-locales' }, () => ({ contents: 'export {}', loader: 'js' }))
  },
}

/**
 * One output folder, every file at the same depth as its source (out/cli/x.js ↔ src-main/cli/x.ts):
 * the sources' `new URL('../../out/renderer/', import.meta.url)` paths then mean the same thing
 * bundled. `splitting` keeps each command's code in its own chunk, so `slope --help` loads neither
 * SheetJS nor SQLite and `slope inspect` no training code.
 */
export async function buildCli() {
  const { build } = await import('esbuild')
  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      main: 'src-main/cli/main.ts',
      'train-worker': 'src-main/workers/train.ts',
      'gradient-thread': 'src-main/workers/gradient-thread.ts',
    },
    outdir: cliOutDir,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    // Native addons load from node_modules; electron never runs in the CLI.
    external: ['better-sqlite3', '@duckdb/node-api', 'electron'],
    // CommonJS dependencies (SheetJS, papaparse) call require() for Node built-ins.
    banner: { js: "import { createRequire as __slopeCreateRequire } from 'node:module'; const require = __slopeCreateRequire(import.meta.url);" },
    // Start-up is mostly V8 parsing the bundle (zod alone is ~0.75 MB): minified code parses in
    // about half the time. Stack traces map back to the sources with SLOPE_DEBUG=1 (bin/slope.mjs).
    minify: process.env.SLOPE_CLI_NO_MINIFY !== '1',
    sourcemap: 'linked',
    plugins: [zodWithoutLocales],
    metafile: true,
    write: false,
    logLevel: 'warning',
    legalComments: 'none',
  })
  // Written file by file through a rename, chunks before the entries that import them, so a
  // `slope` process started meanwhile (tests run in parallel) reads either the old build or the new
  // one, never half a file. Chunk names carry a hash: old ones are removed once a minute old.
  mkdirSync(cliOutDir, { recursive: true })
  const isEntry = (path) => !/[\\/]chunk-[^\\/]*$/.test(path)
  const files = [...result.outputFiles].sort((a, b) => Number(isEntry(a.path)) - Number(isEntry(b.path)))
  for (const file of files) {
    writeFileSync(`${file.path}.tmp`, file.contents)
    renameSync(`${file.path}.tmp`, file.path)
  }
  const written = new Set(files.map((f) => f.path))
  for (const name of readdirSync(cliOutDir)) {
    const path = join(cliOutDir, name)
    if (name.startsWith('chunk-') && !written.has(path) && Date.now() - statSync(path).mtimeMs > 60_000) rmSync(path, { force: true })
  }
  // The sources this build read, for the freshness check below (tests, the demo, the bench).
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/') && !p.includes(':'))
  writeFileSync(inputsFile, JSON.stringify({ inputs: [...inputs, 'scripts/build-cli.mjs', 'package.json'] }))
  return result
}

/** Whether out/cli was built after the last change to any source it bundles. */
export function cliBuildIsCurrent() {
  let builtMs
  let inputs
  try {
    builtMs = statSync(inputsFile).mtimeMs
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8')).inputs
  } catch {
    return false
  }
  for (const p of inputs) {
    try {
      if (statSync(join(root, p)).mtimeMs > builtMs) return false
    } catch {
      return false // a bundled source was deleted or renamed: the import graph changed
    }
  }
  return true
}

/**
 * Rebuilds out/cli when a source changed since the last build. Test files run in parallel
 * processes: a lock folder (mkdir is atomic) lets one of them build while the others wait.
 */
export async function ensureCliBuilt() {
  if (cliBuildIsCurrent()) return
  const lock = join(root, 'out/.cli-build-lock')
  mkdirSync(dirname(lock), { recursive: true })
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // Another process is building; a lock older than a minute was left by a killed build.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true })
      } catch {}
      await new Promise((r) => setTimeout(r, 100))
      if (cliBuildIsCurrent()) return
    }
  }
  try {
    if (!cliBuildIsCurrent()) await buildCli()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildCli()
