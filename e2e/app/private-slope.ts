import type { WorkerFixture } from '@playwright/test'
import { startSlope, type SlopeServer } from './slope-server'

/**
 * A worker-scoped `slope` fixture with a server and database of its own, for a spec file whose
 * tests must not see what other specs stored (or that stops and restarts its server):
 *
 *     const test = base.extend<{}, { slope: SlopeServer }>({ slope: privateSlope() })
 *
 * Playwright keys worker fixtures by the identity of their function and reuses a worker (with its
 * server) for files whose worker fixtures are the same functions. Each call here makes a new
 * function, so each file that calls it gets its own worker, server and database.
 */
export function privateSlope(start: () => Promise<SlopeServer> = () => startSlope()): [WorkerFixture<SlopeServer, {}>, { scope: 'worker' }] {
  return [
    async ({}, use) => {
      const server = await start()
      await use(server)
      await server.stop()
    },
    { scope: 'worker' },
  ]
}
