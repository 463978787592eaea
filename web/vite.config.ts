// Vite configuration. `npm run dev` proxies /api to a running `openupr serve`
// (http://127.0.0.1:$OPENUPR_API_PORT, default 8080); `npm run build` writes dist/, which CMake
// embeds into the openupr binary (see docs/web.md).
import { defineConfig } from 'vite';

const apiPort = process.env.OPENUPR_API_PORT ?? '8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 700,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: false } },
  },
});
