import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src-core/**/*.test.ts', 'src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'bench/**/*.test.ts'],
    // 2 cores here: one fork per core keeps worker-thread tests from starving each other.
    maxWorkers: 2,
    testTimeout: 30_000,
  },
})
