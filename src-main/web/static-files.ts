import { existsSync, statSync } from 'node:fs'
import { extname, resolve, sep } from 'node:path'

/** The Content-Security-Policy of the app's pages (src-renderer/index.html repeats it as a meta tag). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const CONTENT_TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
  ['.json', 'application/json'],
  ['.wasm', 'application/wasm'],
  ['.woff2', 'font/woff2'],
])

/**
 * Maps a URL path to a file inside `root`, or null: percent-decoding errors, `..` escapes and
 * anything that is not a regular file all answer null. Shared by browser mode's HTTP server and
 * the desktop app's slope:// protocol, so both serve exactly the built renderer and nothing else.
 */
export function resolveStaticFile(root: string, pathname: string): { file: string; contentType: string } | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (decoded.includes('\u0000')) return null
  const base = resolve(root)
  const file = resolve(base, decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, ''))
  if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) return null
  return { file, contentType: CONTENT_TYPES.get(extname(file)) ?? 'application/octet-stream' }
}
