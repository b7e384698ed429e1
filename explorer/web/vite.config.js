// Builds the explorer page into dist/, which package explorer embeds into the Go binary and
// serves under /explore/ (hence the base).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/explore/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
    assetsInlineLimit: 0,
  },
});
