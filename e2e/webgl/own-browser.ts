import { readdirSync, readFileSync } from 'node:fs'
import { chromium, type Page } from '@playwright/test'
import { chromiumArgs, chromiumPath } from '../../playwright.config'
import type { BundleServer } from './bundle-server'

/**
 * A Chromium of the test's own, for tests that change how the browser starts (flags that remove
 * WebGL) or that kill part of it (the GPU process): launched as a server so its process id is
 * known, and only that browser's processes are ever touched.
 */
export interface OwnBrowser {
  page: Page
  /** Process ids of the browser's GPU process(es). */
  gpuProcesses(): number[]
  close(): Promise<void>
}

export async function launchOwnBrowser(bundles: BundleServer, extraArgs: string[] = []): Promise<OwnBrowser> {
  const server = await chromium.launchServer({ executablePath: chromiumPath, args: [...chromiumArgs, ...extraArgs] })
  const pid = server.process().pid
  const browser = await chromium.connect(server.wsEndpoint())
  const page = await browser.newPage()
  await page.goto(bundles.url)
  await page.waitForFunction(() => 'harness' in globalThis)
  return {
    page,
    gpuProcesses: () => (pid ? descendants(pid).filter((p) => p.cmdline.includes('--type=gpu-process')).map((p) => p.pid) : []),
    async close() {
      await browser.close()
      await server.close()
    },
  }
}

/** All processes below `root`, from /proc (Linux). */
function descendants(root: number): { pid: number; cmdline: string }[] {
  const parentOf = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the parenthesised command name: state, then the parent's pid.
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // the process ended while we looked
    }
  }
  const found: { pid: number; cmdline: string }[] = []
  const queue = [root]
  while (queue.length > 0) {
    const parent = queue.shift()!
    for (const [pid, ppid] of parentOf) {
      if (ppid !== parent) continue
      queue.push(pid)
      try {
        found.push({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') })
      } catch {
        // ended
      }
    }
  }
  return found
}
