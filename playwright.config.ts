import { defineConfig } from '@playwright/test'

/**
 * Browser tests in Debian's Chromium (never a downloaded browser: `npx playwright install` cannot
 * reach its servers here). CHROMIUM overrides the path on machines that keep it elsewhere.
 * Projects: `webgl` (the WebGL backend in a real Web Worker), `electron` (the desktop app, where its
 * binary exists); the UI project joins them.
 */
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

export default defineConfig({
  testDir: 'e2e',
  // 2 cores here, and SwiftShader uses both: one browser at a time keeps timings sane.
  workers: 1,
  // The UI specs serve the built renderer: one build before all specs.
  globalSetup: './e2e/app/global-setup.ts',
  timeout: 120_000,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
  projects: [
    { name: 'webgl', testDir: 'e2e/webgl' },
    // The app's UI in browser mode against the real services, workers and SQLite.
    { name: 'app', testDir: 'e2e/app' },
    // The real desktop app through Playwright's Electron driver; skipped where Electron's binary is missing.
    { name: 'electron', testDir: 'e2e/electron' },
  ],
})
