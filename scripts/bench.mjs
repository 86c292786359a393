#!/usr/bin/env node
// `pnpm bench`: runs each benchmark (their output passes through), then prints one line of JSON
// with every figure: the offline intent + routing latencies, the execution engine against
// plain LangGraph on PostgresSaver (including overhead_ratio_vs_langgraph_postgres), what a
// 100 MB step result costs in memory and event-loop delay, and 100 projects approved at once
// through the API and the project runner (projects_*), and how long each view of the web app takes
// to show its content on a cold and a warm load (pageload_*).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = [
  { name: 'intent', script: 'packages/core/dist/cli/bench.js' },
  { name: 'engine', script: 'apps/api/dist/bench/engine.bench.js' },
  // Its own process: the RSS it reports must not include what the other benches left behind.
  { name: 'large-result', script: 'apps/api/dist/bench/large-result.bench.js', node: ['--expose-gc'] },
  { name: 'projects', script: 'apps/api/dist/bench/projects.bench.js' },
  // The built web app in headless Chromium: each view's cold and warm load (apps/web/e2e/pageload.bench.ts).
  { name: 'pageload', script: 'apps/web/e2e-dist/pageload.bench.js' },
];

/** Runs one bench, echoing its output, and returns its last line parsed as JSON. */
function runBench({ name, script, node = [] }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...node, path.join(root, script)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${name} bench exited with ${code}`));
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${name} bench did not end with a JSON line: ${last}`));
      }
    });
  });
}

const figures = {};
for (const bench of BENCHES) {
  console.log(`\n== ${bench.name} ==`);
  Object.assign(figures, await runBench(bench));
}
delete figures.bench;
console.log(JSON.stringify(figures));
