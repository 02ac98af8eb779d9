import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'

// Explicit entries: our folders are src-main / src-renderer, not electron-vite's default src/*.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Bundle pure-JS dependencies: the training worker then needs no node_modules and can run
      // unpacked from the asar archive. Only the native module stays external.
      externalizeDeps: { exclude: ['zod', 'papaparse', 'ws'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/index.ts'),
          // The training worker: its own entry so main can start it by path (out/main/workers/train.js).
          'workers/train': resolve(__dirname, 'src-main/workers/train.ts'),
          // Its helper threads for data-parallel gradients (out/main/workers/gradient-thread.js).
          'workers/gradient-thread': resolve(__dirname, 'src-main/workers/gradient-thread.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require nothing but electron: bundle everything else into it.
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: resolve(__dirname, 'src-main/preload.ts') },
        // A sandboxed preload runs as a classic script: CommonJS, one file, no ESM imports.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
})
