import { defineConfig } from 'vite';

// Served by the router under /ui with a strict Content-Security-Policy: no inline scripts or styles, no data: URLs
// beyond the favicon, nothing loaded from anywhere but the router itself.
export default defineConfig({
  base: '/ui/',
  build: {
    outDir: 'dist',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
