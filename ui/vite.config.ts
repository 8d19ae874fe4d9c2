// Vite build of the web UI (ui/dist, served by the exporter at /) and its dev server, which
// answers the API from the example fixture (ui/fixtures/api.ts) unless KCE_API points at a
// running exporter: `npx vite ui` or `KCE_API=http://127.0.0.1:9090 npx vite ui`.
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vite';
import { fixtureApi } from './fixtures/api.ts';

function fixtureMiddleware(): Plugin {
  return {
    name: 'kce-fixture-api',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const answer = fixtureApi(url, Date.now());
        if (!answer) return next();
        res.statusCode = answer.status;
        res.setHeader('content-type', answer.contentType);
        res.end(answer.body);
      });
    },
  };
}

const target = process.env.KCE_API;

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: target ? [] : [fixtureMiddleware()],
  server: target ? { proxy: { '/api': target, '/readyz': target, '/metrics': target } } : {},
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 250,
  },
  logLevel: 'warn',
});
