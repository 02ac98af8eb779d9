import { app, BrowserWindow, protocol, session, shell } from 'electron'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isProjectLink } from './external-links'
import { CONTENT_SECURITY_POLICY, resolveStaticFile } from './web/static-files'

const here = dirname(fileURLToPath(import.meta.url)) // out/main
const rendererRoot = join(here, '../renderer')

/** The app is served from slope://app/ (Electron checklist #18: a custom protocol instead of file://). */
export const APP_ORIGIN = 'slope://app'

/** Whether a frame shows the app itself (slope://app/, or the dev server under `npm run dev`). */
export function isAppUrl(url: string): boolean {
  const devUrl = process.env.ELECTRON_RENDERER_URL
  if (devUrl && !app.isPackaged && url.startsWith(new URL(devUrl).origin + '/')) return true
  return url.startsWith(`${APP_ORIGIN}/`)
}

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'slope', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
}

/** Serves exactly the built renderer under slope://app/, with the CSP header; nothing else. */
export function handleAppScheme(): void {
  protocol.handle('slope', async (request) => {
    const url = new URL(request.url)
    const found = url.host === 'app' ? resolveStaticFile(rendererRoot, url.pathname) : null
    if (!found) return new Response('Not found', { status: 404 })
    return new Response(await readFile(found.file), {
      headers: {
        'Content-Type': found.contentType,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        // Cross-origin isolation, for the SharedArrayBuffer that controls the page's WebGL worker.
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
    })
  })
}

/**
 * The main window with Electron's security checklist applied: isolated, sandboxed renderer without
 * Node; no navigation away from the app, no new windows (the project's own links open in the OS browser), every
 * permission request denied.
 */
export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Slope',
    icon: join(here, '../../resources/icon.png'),
    webPreferences: {
      preload: join(here, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isProjectLink(url)) void shell.openExternal(url) // only the project's own pages (external-links.ts)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  window.webContents.on('will-attach-webview', (event) => event.preventDefault())
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)

  const devUrl = process.env.ELECTRON_RENDERER_URL
  if (devUrl && !app.isPackaged) void window.loadURL(devUrl)
  else void window.loadURL(`${APP_ORIGIN}/index.html`)
  return window
}
