import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basename, resolve } from 'node:path'
import { build } from 'esbuild'

/**
 * Serves browser code to Chromium for the WebGL specs and benchmark: esbuild bundles each entry
 * (TypeScript, src-core included) in memory, and a tiny HTTP server on 127.0.0.1 serves the
 * bundles as `/<name>.js` beside a blank page at `/`. Every response carries COOP/COEP so the page
 * is cross-origin isolated: the protocol's cancel flag is a SharedArrayBuffer, which browsers
 * only provide there.
 */
export interface BundleServer {
  /** Origin of the blank page, e.g. http://127.0.0.1:40123/ */
  url: string
  close(): Promise<void>
}

const root = resolve(import.meta.dirname, '../..')

/**
 * entries: served name → source path relative to the repository root; `pageScript`, if given,
 * names the entry the blank page loads as a module.
 */
export async function serveBundles(entries: Record<string, string>, pageScript?: string): Promise<BundleServer> {
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, resolve(root, path)])),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    sourcemap: 'inline', // stack traces in failures point at the TypeScript
    outdir: resolve(root, 'out/e2e-bundles'), // nominal: nothing is written
    write: false,
    logLevel: 'silent',
  })
  const files = new Map(result.outputFiles.map((f) => [`/${basename(f.path)}`, f.contents]))
  const page = `<!doctype html><meta charset="utf-8"><title>Slope WebGL harness</title>${pageScript ? `<script type="module" src="/${pageScript}.js"></script>` : ''}`
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' }
    const body = path === '/' ? page : files.get(path)
    if (body === undefined) {
      res.writeHead(404, headers).end()
      return
    }
    res.writeHead(200, { ...headers, 'Content-Type': path === '/' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8' }).end(body)
  })
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  }
}
