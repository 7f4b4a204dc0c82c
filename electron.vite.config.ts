import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

/**
 * Three bundles: the main process (ESM, dependencies left external so native
 * modules such as better-sqlite3 load from node_modules), the preload (CommonJS
 * with its few dependencies bundled, because a sandboxed preload cannot load
 * ES modules or node_modules), and the renderer (a plain web app, which the
 * web host serves as well).
 */
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        // Worker threads are entries of their own, emitted next to index.js where
        // each pool's default entry (`new URL('./<name>.js', import.meta.url)`) finds them.
        input: {
          index: resolve('src/main/index.ts'),
          'scan-worker': resolve('src/main/services/library/scan/scan-worker.ts'),
          'analysis-worker': resolve('src/main/services/release/analysis/analysis-worker.ts'),
          // The bundled co-op server runs in the main process when no server address is set.
          'signature-worker': resolve('src/server/settlement/signature-worker.ts'),
        },
        // Shared chunks sit beside the entries (not in chunks/), so `import.meta.url`
        // of any module in the main process points at out/main/, where the workers are.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
