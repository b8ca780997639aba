import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Tauri serves the built files itself; in development it loads the dev server at a fixed
// port, so the port must never float (strictPort) and the terminal must keep the Rust logs
// (clearScreen: false). `--mode mock` builds the browser-only entry (mock.html) that
// installs the in-memory engine; it goes to its own folder so it never ships in dist/.
const host = process.env['TAURI_DEV_HOST'];

export default defineConfig(({ mode }) => {
  const mock = mode === 'mock';
  return {
    plugins: [svelte()],
    clearScreen: false,
    envPrefix: ['VITE_', 'TAURI_ENV_'],
    server: {
      port: 1420,
      strictPort: true,
      host: host ?? false,
      hmr: host ? { protocol: 'ws', host, port: 1421 } : undefined,
      watch: { ignored: ['**/src-tauri/**'] },
    },
    preview: { port: 1420, strictPort: false },
    build: {
      outDir: mock ? 'dist-mock' : 'dist',
      emptyOutDir: true,
      // WebKitGTK 2.4x+ (Debian 12 ships 2.50) matches Safari 16 or newer.
      target: ['es2022', 'safari16'],
      minify: process.env['TAURI_ENV_DEBUG'] ? false : 'oxc',
      sourcemap: Boolean(process.env['TAURI_ENV_DEBUG']),
      rollupOptions: { input: mock ? 'mock.html' : 'index.html' },
    },
  };
});
