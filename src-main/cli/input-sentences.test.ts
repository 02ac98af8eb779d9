import { describe, expect, it } from 'vitest'
import { runCli } from '../testing/run-cli'

describe('bad input the services check reaches the CLI as one sentence', () => {
  it('slope train --name "": one error line naming the field, exit 1 (not an internal error)', async () => {
    const r = await runCli(['train', 'resources/examples/tutorial.csv', '--target', 'y', '--no-db', '--name', ''])
    expect(r.stderr).toBe('error: A name cannot be empty (name). Correct it and try again.\n')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
  })
})
