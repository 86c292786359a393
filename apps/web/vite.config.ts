import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import vue from '@vitejs/plugin-vue';
import { defineConfig, loadEnv, type Plugin, type ProxyOptions } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes `.br` and `.gz` beside every text asset of the build, compressed once at the highest
 * levels, so the API serves them without compressing per request (apps/api/src/web/).
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'orchestrator:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle() {
      const files = await readdir(outDir, { recursive: true });
      await Promise.all(
        files
          .filter((file) => /\.(js|css|html|svg|json|txt|map)$/.test(file))
          .map(async (file) => {
            const full = path.join(outDir, file);
            if ((await stat(full)).size < 1024) return;
            const body = await readFile(full);
            const [br, gzipped] = await Promise.all([
              brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
              gz(body, { level: 9 }),
            ]);
            await Promise.all([writeFile(`${full}.br`, br), writeFile(`${full}.gz`, gzipped)]);
          }),
      );
    },
  };
}

/** Under node_modules/.pnpm/<package>@…: a group of packages by their folder names. */
const packages = (...names: string[]) =>
  new RegExp(`[\\\\/]node_modules[\\\\/]\\.pnpm[\\\\/](${names.map((n) => n.replace(/[.+]/g, '\\$&')).join('|')})`);

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
    plugins: [vue(), precompress()],
    server: { port: 5173, proxy },
    preview: { port: 4173, proxy },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      rolldownOptions: {
        output: {
          codeSplitting: {
            groups: [
              // The heavy libraries, each only in the chunks of the views that use it, and cached
              // on its own (an app release does not change them). CodeMirror has no group: the
              // diff viewer (merge view) and the Context.md editor (markdown) each load only
              // their own parts of it, in chunks split by what uses them.
              { name: 'vue-flow', test: packages('@vue-flow+', 'd3-', '@dagrejs+'), priority: 30 },
              {
                name: 'markdown',
                test: packages(
                  'markdown-it@',
                  'entities@',
                  'linkify-it@',
                  'mdurl@',
                  'punycode.js@',
                  'uc.micro@',
                  'dompurify@',
                ),
                priority: 30,
              },
              // What every page runs before its own chunk: Vue, the router, Pinia, PrimeVue's core
              // and theme, zod (the contracts) and the socket client.
              {
                name: 'vendor',
                test: packages(
                  'vue@',
                  '@vue+',
                  'vue-router@',
                  'pinia@',
                  'zod@',
                  '@primeuix+styled@',
                  '@primeuix+utils@',
                  '@primeuix+themes@',
                  '@primevue+core@',
                  'socket.io-client@',
                  'socket.io-parser@',
                  'engine.io-client@',
                  'engine.io-parser@',
                  '@socket.io+',
                ),
                // First: the others would otherwise take in Vue with their own dependencies.
                priority: 40,
              },
            ],
          },
        },
      },
    },
  };
});
