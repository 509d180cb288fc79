// Vite builds the console into ../dist, which the Go service embeds and
// serves under /admin/. The build must be deterministic (CI rebuilds it and
// expects no diff), so nothing in `build` may depend on time or environment.
import { defineConfig, loadEnv } from 'vite';

// The policy the Go service sends with the console (console.ContentSecurityPolicy);
// `npm run preview` sends it too, so a violation shows before the Go side does.
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export default defineConfig(({ mode }) => {
  // Where `npm run dev` and `npm run preview` forward API calls: a local
  // `go run .` unless PATS_CONSOLE_API says otherwise.
  const apiServer = loadEnv(mode, '.', 'PATS_CONSOLE_').PATS_CONSOLE_API || 'http://localhost:8080';
  const proxy = { '/query': apiServer, '/admin/api': apiServer };

  return {
    base: '/admin/',
    oxc: {
      jsx: { runtime: 'automatic', importSource: 'preact' },
    },
    build: {
      outDir: '../dist',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      // Evergreen browsers support modulepreload; the polyfill is dead weight.
      modulePreload: { polyfill: false },
    },
    // The dev server injects styles with <style> elements, so it cannot run
    // under the CSP; the preview of the real build can.
    server: { proxy },
    preview: { proxy, headers: { 'Content-Security-Policy': contentSecurityPolicy } },
  };
});
