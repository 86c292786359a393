import vue from '@vitejs/plugin-vue';
import { defineConfig, loadEnv, type ProxyOptions } from 'vite';

/**
 * In development the API runs separately (NestJS on :3000); in production it serves `dist/`
 * itself, so the app only ever talks to its own origin. `API_PROXY_TARGET` points the dev
 * proxy elsewhere.
 */
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, '.', 'API_PROXY_');
  const target = env['API_PROXY_TARGET'] ?? 'http://localhost:3000';
  const proxy: Record<string, ProxyOptions> = {
    '/api': { target },
    '/health': { target },
    '/socket.io': { target, ws: true },
  };
  return {
    plugins: [vue()],
    server: { port: 5173, proxy },
    preview: { port: 4173, proxy },
    build: { outDir: 'dist', emptyOutDir: true },
  };
});
