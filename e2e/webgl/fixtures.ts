import { test as base, expect, type Page } from '@playwright/test'
import { serveBundles, type BundleServer } from './bundle-server'
import type { Harness } from './harness-api'

/**
 * `page` opens the harness page (browser/page-harness.ts) served with the bundled workers; the
 * bundles are built once per Playwright worker.
 */
export const harnessEntries = {
  'page-harness': 'e2e/webgl/browser/page-harness.ts',
  'conformance-worker': 'e2e/webgl/browser/conformance-worker.ts',
  'webgl-compute-worker': 'src-renderer/src/workers/webgl-compute-worker.ts',
}

export const test = base.extend<object, { bundles: BundleServer }>({
  bundles: [
    async ({}, use) => {
      const server = await serveBundles(harnessEntries, 'page-harness')
      await use(server)
      await server.close()
    },
    { scope: 'worker' },
  ],
  page: async ({ page, bundles }, use) => {
    await page.goto(bundles.url)
    await page.waitForFunction(() => 'harness' in globalThis)
    await use(page)
  },
})

export { expect }

/** Calls a method of the page's harness (globalThis.harness) with JSON-safe arguments. */
export function callHarness<K extends keyof Harness>(page: Page, method: K, ...args: Parameters<Harness[K]>): Promise<Awaited<ReturnType<Harness[K]>>> {
  return page.evaluate(
    ([name, list]) => {
      const h = (globalThis as unknown as { harness: Record<string, (...a: unknown[]) => unknown> }).harness
      return h[name]!(...list)
    },
    [method, args as unknown[]] as const,
  ) as Promise<Awaited<ReturnType<Harness[K]>>>
}
