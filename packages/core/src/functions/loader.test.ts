import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isFunctionAgentError, type FunctionAgentError } from './errors.js';
import { assertNoRuntimeImports, functionAgentOrigin, loadFunctionAgent } from './loader.js';
import { functionAgentContext, runFunctionAgent } from './run.js';

const VALID = `import type { FunctionAgentModule } from '@orchestrator/core';
interface Input { n: number }
const agent: FunctionAgentModule<Input, { doubled: number }> = {
  inputSchema: (z) => z.object({ n: z.number() }).strict(),
  parseTask: (task: string) => ({ input: { n: Number(task) } }),
  run: async (input: Input) => ({ markdown: \`VERSION \${input.n * 2}\`, data: { doubled: input.n * 2 } }),
};
export default agent;
`;

let cacheDir: string;
let agentDir: string;

beforeEach(async () => {
  const base = await mkdtemp(path.join(os.tmpdir(), 'orch-fn-'));
  cacheDir = path.join(base, 'cache');
  agentDir = path.join(base, 'agent');
  await mkdir(agentDir);
});

const writeModule = (text: string) => writeFile(path.join(agentDir, 'index.ts'), text);

async function loadError(): Promise<FunctionAgentError> {
  try {
    await loadFunctionAgent(agentDir, { cacheDir });
  } catch (err) {
    if (isFunctionAgentError(err)) return err;
    throw err;
  }
  throw new Error('expected loadFunctionAgent to fail');
}

describe('loadFunctionAgent', () => {
  it('should load a valid TypeScript module with type-only imports and run it', async () => {
    await writeModule(VALID);
    const agent = await loadFunctionAgent(agentDir, { cacheDir });
    const out = await runFunctionAgent(agent, '21', { now: new Date(0) });
    expect(out).toEqual({ kind: 'result', markdown: 'VERSION 42', data: { doubled: 42 }, input: { n: 21 } });
    expect(functionAgentOrigin(agent)?.modulePath).toBe(path.join(agentDir, 'index.ts'));
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.mjs'))).toHaveLength(1);
  });

  it('should reload the module when its content changes', async () => {
    await writeModule(VALID);
    const first = await loadFunctionAgent(agentDir, { cacheDir });
    await writeModule(VALID.replace('VERSION', 'EDITED'));
    const second = await loadFunctionAgent(agentDir, { cacheDir });
    expect((await first.run({ n: 1 }, functionAgentContext({ now: new Date(0) }))).markdown).toBe('VERSION 2');
    expect((await second.run({ n: 1 }, functionAgentContext({ now: new Date(0) }))).markdown).toBe('EDITED 2');
    expect(functionAgentOrigin(first)?.contentHash).not.toBe(functionAgentOrigin(second)?.contentHash);
  });

  it('should report a syntax error with the path and position', async () => {
    await writeModule('const agent = { a: 1 };\nconst b = (1 + ;\nexport default agent;\n');
    const err = await loadError();
    expect(err.code).toBe('function_agent/syntax_error');
    expect(err.message).toContain(path.join(agentDir, 'index.ts'));
    expect(err.message).toMatch(/index\.ts:2:\d+: syntax error: Unexpected token/);
  });

  it('should report a syntax error that only the JavaScript engine detects', async () => {
    await writeModule('const a = 1;\nconst a = 2;\nexport default {};\n');
    expect((await loadError()).code).toBe('function_agent/syntax_error');
  });

  it('should reject runtime imports, require and re-exports but allow type-only imports', async () => {
    await writeModule(
      `import { z } from 'zod';\n${VALID.replace('export default agent;', 'export default { ...agent, s: z };')}`,
    );
    const err = await loadError();
    expect(err.code).toBe('function_agent/forbidden_import');
    expect(err.message).toMatch(/index\.ts:1: runtime import is not allowed/);
    const file = '/x/index.ts';
    expect(() => assertNoRuntimeImports('export default { r: () => require("fs") };', file)).toThrow(
      /runtime require\(\)/,
    );
    expect(() => assertNoRuntimeImports('export default { r: () => import("fs") };', file)).toThrow(
      /dynamic import\(\)/,
    );
    expect(() => assertNoRuntimeImports('export * from "./other.js";', file)).toThrow(/re-export from "\.\/other\.js"/);
    // Mentions inside strings, templates and comments are text, not imports.
    expect(() =>
      assertNoRuntimeImports(
        '// import x from "y"\nconst s = "require(1) import a from b"; const t = `import ${s}`; const from = import.meta.url;\nexport default { s, t, from };',
        file,
      ),
    ).not.toThrow();
  });

  it('should name the missing default export and non-function members', async () => {
    await writeModule('export const agent = {};\n');
    const missing = await loadError();
    expect(missing.code).toBe('function_agent/invalid_export');
    expect(missing.message).toMatch(/missing default export/);

    await writeModule(
      "export default { inputSchema: (z: any) => z.object({}), parseTask: () => ({ input: {} }), run: 'nope' };\n",
    );
    const member = await loadError();
    expect(member.code).toBe('function_agent/invalid_export');
    expect(member.message).toMatch(/run must be a function, got string/);

    await writeModule(
      'export default { inputSchema: () => 42, parseTask: () => ({ input: {} }), run: () => ({ markdown: "" }) };\n',
    );
    expect((await loadError()).message).toMatch(/inputSchema\(z\) must return a zod schema/);
  });

  it('should report a missing index.ts and an error thrown while the module evaluates', async () => {
    expect((await loadError()).code).toBe('function_agent/not_found');
    await writeModule('throw new Error("boom at load");\nexport default {};\n');
    const err = await loadError();
    expect(err.code).toBe('function_agent/load_failed');
    expect(err.message).toMatch(/boom at load/);
  });
});
