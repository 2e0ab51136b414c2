import { defineConfig } from 'vite';

// The console is served by `vigil serve --web-root web/dist` under a strict CSP
// (script-src 'self'; style-src 'self'): no inline scripts or styles may be emitted.
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    // Never inline assets as data: URIs except images (img-src allows data:); keep it simple: no inlining.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev` proxies the API to a running `vigil serve` (VIGIL_URL, default 127.0.0.1:8080).
    proxy: {
      '/api': process.env.VIGIL_URL || 'http://127.0.0.1:8080',
      '/healthz': process.env.VIGIL_URL || 'http://127.0.0.1:8080',
    },
  },
});
