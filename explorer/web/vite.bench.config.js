// Builds the graph-library benchmark page (bench/) into bench-dist/; see bench/run.mjs.
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

export default defineConfig({
  root: resolve(import.meta.dirname, 'bench'),
  base: './',
  logLevel: 'warn',
  build: { outDir: resolve(import.meta.dirname, 'bench-dist'), emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
