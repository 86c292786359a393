import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  AgentDefinitionSchema,
  CONTEXT_MD_MAX_BYTES,
  type AgentDefinition,
  type RegistryProblem,
} from '@orchestrator/contracts';
import type { z } from 'zod';
import { FUNCTION_AGENT_FILE, FUNCTION_MODULE_MAX_BYTES } from '../functions/loader.js';
import { checkContextMd, controlCharacterError, decodeUtf8Strict } from './context-safety.js';
import { AGENT_YAML_MAX_BYTES, parseAgentYaml } from './yaml.js';

/** A definition that passed validation, with its Context.md. */
export interface LoadedAgent {
  definition: AgentDefinition;
  contextMd: string;
  /** Folder of the agent, relative to the agents root (e.g. `finance/roi_calculator`). */
  sourcePath: string;
  /** sha256 of agent.yaml + Context.md (+ index.ts for function agents): lets the mirror skip unchanged agents. */
  contentHash: string;
  /**
   * agent_versions number of this content, filled in by the registry service after mirroring
   * (absent for registries built without a database). Recorded with every task the agent runs.
   */
  version?: number;
  /** Content kept as text but worth a look (active HTML, front matter): see context-safety.ts. */
  warnings?: string[];
}

/** An agent folder that failed validation: kept so the UI can show the error on that agent. */
export interface InvalidAgent {
  name: string;
  department: string;
  sourcePath: string;
  problems: RegistryProblem[];
}

export interface RegistryLoadResult {
  agents: LoadedAgent[];
  invalid: InvalidAgent[];
  problems: RegistryProblem[];
}

/** Context.md larger than this is refused (the contracts' limit, shared with the editor). */
export { CONTEXT_MD_MAX_BYTES };

const formatZodIssues = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');

async function readText(file: string, maxBytes: number): Promise<string> {
  const info = await stat(file);
  if (info.size > maxBytes) throw new Error(`file is ${info.size} bytes; the limit is ${maxBytes}`);
  // Refuse invalid UTF-8 instead of silently replacing characters.
  return decodeUtf8Strict(await readFile(file), path.basename(file));
}

/** The hash the loader computes for an agent's files; saves compute the same to recognise their own writes. */
export function agentContentHash(yamlText: string, contextMd: string, moduleSource?: string): string {
  const hash = createHash('sha256').update(yamlText).update('\0').update(contextMd);
  // Function agents: their code is content too, so an edit to index.ts alone re-syncs the agent.
  if (moduleSource !== undefined) hash.update('\0').update(moduleSource);
  return hash.digest('hex');
}

async function listDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** Reads and validates one agent folder; never throws for content problems. */
export async function loadAgentFolder(
  root: string,
  department: string,
  folder: string,
): Promise<LoadedAgent | InvalidAgent> {
  const sourcePath = `${department}/${folder}`;
  const yamlPath = path.join(root, department, folder, 'agent.yaml');
  const contextPath = path.join(root, department, folder, 'Context.md');
  const problems: RegistryProblem[] = [];
  const invalid = (): InvalidAgent => ({ name: folder, department, sourcePath, problems });

  let yamlText: string;
  try {
    yamlText = await readText(yamlPath, AGENT_YAML_MAX_BYTES);
  } catch (err) {
    problems.push({ path: yamlPath, message: `cannot read agent.yaml: ${(err as Error).message}` });
    return invalid();
  }
  const yaml = parseAgentYaml(yamlText);
  if (!yaml.ok) {
    for (const message of yaml.errors) problems.push({ path: yamlPath, message });
    return invalid();
  }
  const parsed = AgentDefinitionSchema.safeParse(yaml.value);
  if (!parsed.success) {
    problems.push({ path: yamlPath, message: formatZodIssues(parsed.error) });
    return invalid();
  }
  const definition = parsed.data;
  if (definition.name !== folder) {
    problems.push({ path: yamlPath, message: `name: "${definition.name}" must equal the folder name "${folder}"` });
  }
  let contextMd = '';
  let warnings: string[] = [];
  try {
    contextMd = await readText(contextPath, CONTEXT_MD_MAX_BYTES);
    const check = checkContextMd(contextMd);
    for (const message of check.errors) problems.push({ path: contextPath, message });
    warnings = check.warnings;
  } catch (err) {
    problems.push({ path: contextPath, message: `cannot read Context.md: ${(err as Error).message}` });
  }
  let moduleSource: string | undefined;
  if (definition.type === 'function') {
    const modulePath = path.join(root, department, folder, FUNCTION_AGENT_FILE);
    const isFile = await stat(modulePath).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) problems.push({ path: modulePath, message: 'index.ts is required for function-based agents' });
    else {
      try {
        moduleSource = await readText(modulePath, FUNCTION_MODULE_MAX_BYTES);
        const control = controlCharacterError(moduleSource, 'index.ts');
        if (control) problems.push({ path: modulePath, message: control });
      } catch (err) {
        problems.push({ path: modulePath, message: `cannot read index.ts: ${(err as Error).message}` });
      }
    }
  }
  if (problems.length > 0) return { ...invalid(), department: definition.department };
  const contentHash = agentContentHash(yamlText, contextMd, moduleSource);
  return { definition, contextMd, sourcePath, contentHash, ...(warnings.length > 0 ? { warnings } : {}) };
}

const isLoaded = (a: LoadedAgent | InvalidAgent): a is LoadedAgent => 'definition' in a;

/**
 * Loads every `agents/<department>/<agent>/` folder. Each folder is validated on its own; then
 * the hierarchy is checked (unknown `reportsTo`, duplicate names, several roots, cycles), and
 * agents that break it are moved to `invalid` with the reason. Nothing here throws for bad
 * content: one broken file never takes the others down.
 */
export async function loadAgentRegistry(root: string): Promise<RegistryLoadResult> {
  const results: (LoadedAgent | InvalidAgent)[] = [];
  for (const department of await listDirs(root)) {
    for (const folder of await listDirs(path.join(root, department))) {
      results.push(await loadAgentFolder(root, department, folder));
    }
  }
  const invalid = results.filter((r): r is InvalidAgent => !isLoaded(r));
  const agents = checkOrganisation(root, results.filter(isLoaded), invalid);
  return { agents, invalid, problems: invalid.flatMap((i) => i.problems) };
}

/**
 * The checks across agents (duplicate names, one root, known managers, no cycles): returns the
 * agents that pass and appends the others to `invalid`. Saves and deployments run it on the
 * registry as it would be after the change, so a bad `reportsTo` is refused before it is written.
 */
export function checkOrganisation(root: string, agents: LoadedAgent[], invalid: InvalidAgent[]): LoadedAgent[] {
  return rejectBrokenHierarchy(root, rejectDuplicates(root, agents, invalid), invalid);
}

function rejectDuplicates(root: string, agents: LoadedAgent[], invalid: InvalidAgent[]): LoadedAgent[] {
  const seen = new Map<string, LoadedAgent>();
  const kept: LoadedAgent[] = [];
  for (const a of agents) {
    const first = seen.get(a.definition.name);
    if (first) {
      invalid.push(
        toInvalid(root, a, `duplicate agent name "${a.definition.name}" (also defined in ${first.sourcePath})`),
      );
      continue;
    }
    seen.set(a.definition.name, a);
    kept.push(a);
  }
  return kept;
}

/** Drops agents whose manager chain does not reach the single root; repeats until stable. */
function rejectBrokenHierarchy(root: string, agents: LoadedAgent[], invalid: InvalidAgent[]): LoadedAgent[] {
  let current = agents;
  const roots = current.filter((a) => a.definition.reportsTo === null);
  if (roots.length > 1) {
    const [keep, ...extra] = roots;
    for (const a of extra)
      invalid.push(
        toInvalid(
          root,
          a,
          `reportsTo: null is reserved for the top of the organisation (${keep!.definition.name}); set a manager`,
        ),
      );
    current = current.filter((a) => !extra.includes(a));
  }
  for (;;) {
    const byName = new Map(current.map((a) => [a.definition.name, a]));
    const broken = current.filter((a) => {
      const boss = a.definition.reportsTo;
      if (boss === null) return false;
      if (!byName.has(boss)) return true;
      // Walk up: a cycle never reaches the root.
      const visited = new Set<string>([a.definition.name]);
      let next: string | null = boss;
      while (next !== null) {
        if (visited.has(next)) return true;
        visited.add(next);
        next = byName.get(next)?.definition.reportsTo ?? null;
      }
      return false;
    });
    if (broken.length === 0) return current;
    for (const a of broken) {
      const boss = a.definition.reportsTo!;
      const why = byName.has(boss)
        ? `reportsTo: "${boss}" forms a cycle in the hierarchy`
        : `reportsTo: "${boss}" is not a known, valid agent`;
      invalid.push(toInvalid(root, a, why));
    }
    current = current.filter((a) => !broken.includes(a));
  }
}

function toInvalid(root: string, a: LoadedAgent, message: string): InvalidAgent {
  return {
    name: a.definition.name,
    department: a.definition.department,
    sourcePath: a.sourcePath,
    problems: [{ path: path.join(root, a.sourcePath, 'agent.yaml'), message }],
  };
}
