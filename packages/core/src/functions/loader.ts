import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getFormattedTokens, getVersion, transform } from 'sucrase';
import { z } from 'zod';
import { FunctionAgentError } from './errors.js';
import type { FunctionAgentModule } from './types.js';

export const FUNCTION_AGENT_FILE = 'index.ts';
/** Larger modules are refused (the registry applies the same limit). */
export const FUNCTION_MODULE_MAX_BYTES = 256 * 1024;
/** Bump when the transpile step changes, so stale cache files are not reused. */
const LOADER_VERSION = '1';

/** Where a loaded module came from: named in run errors. */
export interface FunctionAgentOrigin {
  /** Absolute path of the agent's `index.ts`. */
  modulePath: string;
  /** sha256 of the source (and transpiler version): the cache key. */
  contentHash: string;
}

const origins = new WeakMap<object, FunctionAgentOrigin>();
/** Modules already imported, by cache file: unchanged sources skip transpiling and validation. */
const loaded = new Map<string, FunctionAgentModule>();
/**
 * The module last loaded from each file, with the file's size and modification time: this runs
 * for every call of the agent, and an unchanged file need not be read and hashed again.
 */
const byFile = new Map<string, { size: number; mtimeMs: number; agent: FunctionAgentModule }>();
/** Loads in progress, by file and version. */
const loading = new Map<string, Promise<FunctionAgentModule>>();

export const functionAgentOrigin = (agent: object): FunctionAgentOrigin | undefined => origins.get(agent);

export interface LoadFunctionAgentOptions {
  /** Where transpiled modules are cached; defaults to `<tmpdir>/orchestrator-function-agents`. */
  cacheDir?: string;
}

export const defaultFunctionCacheDir = (): string => path.join(os.tmpdir(), 'orchestrator-function-agents');

/**
 * Loads `<agentDir>/index.ts`: strips TypeScript types (sucrase), refuses runtime imports (the
 * module must run from any folder, where bare packages cannot be resolved), writes the JS to a
 * content-addressed cache file and imports it. An edited module has a new hash, so a new URL, so
 * Node's module cache never serves the old code.
 */
export async function loadFunctionAgent(
  agentDir: string,
  options: LoadFunctionAgentOptions = {},
): Promise<FunctionAgentModule> {
  const modulePath = path.resolve(agentDir, FUNCTION_AGENT_FILE);
  const cacheDir = options.cacheDir ?? defaultFunctionCacheDir();
  const file = await statSource(modulePath);
  const fileKey = `${cacheDir}\0${modulePath}`;
  const seen = byFile.get(fileKey);
  if (seen && seen.size === file.size && seen.mtimeMs === file.mtimeMs) return seen.agent;
  // Steps of many projects starting together share one load: the file is read and transpiled once.
  const loadKey = `${fileKey}\0${file.size}\0${file.mtimeMs}`;
  let load = loading.get(loadKey);
  if (!load) {
    load = loadSource(modulePath, cacheDir, fileKey, file).finally(() => loading.delete(loadKey));
    loading.set(loadKey, load);
  }
  return load;
}

async function loadSource(
  modulePath: string,
  cacheDir: string,
  fileKey: string,
  file: { size: number; mtimeMs: number },
): Promise<FunctionAgentModule> {
  const source = await readSource(modulePath);
  const contentHash = createHash('sha256').update(`${LOADER_VERSION}:${getVersion()}\0`).update(source).digest('hex');
  const cacheFile = path.join(cacheDir, `${contentHash}.mjs`);
  const known = loaded.get(cacheFile);
  if (known) {
    byFile.set(fileKey, { ...file, agent: known });
    return known;
  }

  const js = transpile(source, modulePath);
  assertNoRuntimeImports(js, modulePath);
  await writeCacheFile(cacheDir, cacheFile, js);

  let namespace: { default?: unknown };
  try {
    namespace = (await import(/* @vite-ignore */ pathToFileURL(cacheFile).href)) as { default?: unknown };
  } catch (err) {
    const e = err as Error;
    const code = e.name === 'SyntaxError' ? 'function_agent/syntax_error' : 'function_agent/load_failed';
    throw new FunctionAgentError(
      code,
      `${modulePath}: ${e.name === 'SyntaxError' ? 'syntax error' : 'failed to load'}: ${e.message}`,
      modulePath,
      { cause: err },
    );
  }
  const agent = validateExport(namespace.default, modulePath);
  origins.set(agent, { modulePath, contentHash });
  loaded.set(cacheFile, agent);
  byFile.set(fileKey, { ...file, agent });
  return agent;
}

async function statSource(modulePath: string): Promise<{ size: number; mtimeMs: number }> {
  let info: { size: number; mtimeMs: number };
  try {
    info = await stat(modulePath);
  } catch {
    throw new FunctionAgentError(
      'function_agent/not_found',
      `${modulePath}: ${FUNCTION_AGENT_FILE} is required for function-based agents`,
      modulePath,
    );
  }
  if (info.size > FUNCTION_MODULE_MAX_BYTES) {
    throw new FunctionAgentError(
      'function_agent/load_failed',
      `${modulePath}: file is ${info.size} bytes; the limit is ${FUNCTION_MODULE_MAX_BYTES}`,
      modulePath,
    );
  }
  return { size: info.size, mtimeMs: info.mtimeMs };
}

async function readSource(modulePath: string): Promise<string> {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await readFile(modulePath));
  } catch (err) {
    throw new FunctionAgentError(
      'function_agent/load_failed',
      `${modulePath}: cannot read: ${(err as Error).message}`,
      modulePath,
      { cause: err },
    );
  }
}

function transpile(source: string, modulePath: string): string {
  try {
    // imports transform off: the output stays ESM; type-only imports are elided.
    return transform(source, { transforms: ['typescript'], disableESTransforms: true }).code;
  } catch (err) {
    const e = err as Error & { loc?: { line: number; column: number } };
    const where = e.loc ? `:${e.loc.line}:${e.loc.column + 1}` : '';
    throw new FunctionAgentError(
      'function_agent/syntax_error',
      `${modulePath}${where}: syntax error: ${e.message}`,
      modulePath,
      { cause: err },
    );
  }
}

interface Token {
  label: string;
  raw: string;
  line: number;
}

/** Tokens of plain JS from sucrase's public token dump (comments and string contents excluded). */
function tokenize(js: string): Token[] {
  const lineStarts = [0];
  for (let i = 0; i < js.length; i++) if (js[i] === '\n') lineStarts.push(i + 1);
  const rows = getFormattedTokens(js, { transforms: [] }).split('\n');
  if (!rows[0]?.startsWith('Location')) throw new Error('unexpected sucrase token format');
  const offset = (pos: string): number => {
    const [line, column] = pos.split(':').map(Number);
    return (lineStarts[(line ?? 1) - 1] ?? 0) + (column ?? 1) - 1;
  };
  return rows.slice(1).map((row) => {
    const [location = '', label = ''] = row.trim().split(/\s+/);
    const [start = '1:1', end = '1:1'] = location.split('-');
    return { label, raw: js.slice(offset(start), offset(end)), line: Number(start.split(':')[0]) };
  });
}

/** Rejects `import … from`, `import()`, `require()` and `export … from` left after type stripping. */
export function assertNoRuntimeImports(js: string, modulePath: string): void {
  let tokens: Token[];
  try {
    tokens = tokenize(js);
  } catch (err) {
    throw new FunctionAgentError(
      'function_agent/syntax_error',
      `${modulePath}: syntax error: ${(err as Error).message}`,
      modulePath,
      { cause: err },
    );
  }
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    const what =
      t.label === 'import'
        ? next?.label === '('
          ? 'dynamic import()'
          : 'import'
        : t.label === 'name' && t.raw === 'require' && next?.label === '('
          ? 'require()'
          : t.label === 'name' && t.raw === 'from' && next?.label === 'string'
            ? `re-export from ${next.raw}`
            : null;
    if (what) {
      throw new FunctionAgentError(
        'function_agent/forbidden_import',
        `${modulePath}:${t.line}: runtime ${what} is not allowed in a function agent; use \`import type\` only (zod is passed to inputSchema)`,
        modulePath,
      );
    }
  });
}

async function writeCacheFile(cacheDir: string, cacheFile: string, js: string): Promise<void> {
  try {
    await stat(cacheFile);
    return; // same content already transpiled
  } catch {
    // not cached yet
  }
  await mkdir(cacheDir, { recursive: true });
  // Write then rename: a concurrent loader never imports a half-written file.
  const tmp = `${cacheFile}.${randomUUID()}.tmp`;
  await writeFile(tmp, js, 'utf8');
  await rename(tmp, cacheFile);
}

function validateExport(value: unknown, modulePath: string): FunctionAgentModule {
  const fail = (why: string): never => {
    throw new FunctionAgentError('function_agent/invalid_export', `${modulePath}: ${why}`, modulePath);
  };
  if (value === undefined) fail('missing default export: `export default agent` with inputSchema, parseTask and run');
  if (typeof value !== 'object' || value === null)
    fail(`the default export must be an object, got ${value === null ? 'null' : typeof value}`);
  const m = value as Record<string, unknown>;
  for (const key of ['inputSchema', 'parseTask', 'run'] as const) {
    if (typeof m[key] !== 'function')
      fail(`default export: ${key} must be a function, got ${m[key] === undefined ? 'nothing' : typeof m[key]}`);
  }
  if (
    m.timeoutMs !== undefined &&
    (typeof m.timeoutMs !== 'number' || !Number.isFinite(m.timeoutMs) || m.timeoutMs <= 0)
  ) {
    fail('default export: timeoutMs must be a positive number of milliseconds');
  }
  let schema: unknown;
  try {
    schema = (m.inputSchema as (zod: typeof z) => unknown)(z);
  } catch (err) {
    fail(`inputSchema(z) threw: ${(err as Error).message}`);
  }
  if (typeof (schema as { safeParse?: unknown } | null)?.safeParse !== 'function')
    fail('inputSchema(z) must return a zod schema');
  return value as FunctionAgentModule;
}
