import { AgentDefinitionSchema, type AgentDefinition } from '@orchestrator/contracts';
import { controlCharacterError, checkContextMd } from './context-safety.js';
import { checkOrganisation, type InvalidAgent, type LoadedAgent } from './load.js';

/** An agent's files as a save or a deployment would write them. */
export interface AgentFilesCandidate {
  definition: AgentDefinition;
  contextMd: string;
  /** index.ts of a function agent; undefined keeps the module already on disk. */
  moduleSource?: string | null;
  inputSchemaSource?: string | null;
}

export interface AgentChangeCheck {
  errors: string[];
  warnings: string[];
}

/**
 * Checks a change to one agent against the rest of the workforce before anything is written:
 * the definition schema, hostile content, and the organisation as it would be afterwards (a
 * `reportsTo` that is unknown or closes a cycle, a second root). Pure: the caller decides.
 */
export function checkAgentChange(
  current: readonly LoadedAgent[],
  candidate: AgentFilesCandidate,
  options: { requireModule: boolean },
): AgentChangeCheck {
  const errors: string[] = [];
  const parsed = AgentDefinitionSchema.safeParse(candidate.definition);
  if (!parsed.success) {
    errors.push(
      ...parsed.error.issues.map((i) => `agent.yaml: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
    return { errors, warnings: [] };
  }
  const definition = parsed.data;
  const context = checkContextMd(candidate.contextMd);
  errors.push(...context.errors);
  for (const [file, source] of [
    ['index.ts', candidate.moduleSource],
    ['schema.ts', candidate.inputSchemaSource],
  ] as const) {
    const control = typeof source === 'string' ? controlCharacterError(source, file) : null;
    if (control) errors.push(control);
  }
  if (options.requireModule && definition.type === 'function' && !candidate.moduleSource) {
    errors.push('index.ts: a function-based agent needs its module source');
  }
  const others = current.filter((a) => a.definition.name !== definition.name);
  const sourcePath =
    current.find((a) => a.definition.name === definition.name)?.sourcePath ??
    `${definition.department}/${definition.name}`;
  const after: LoadedAgent[] = [...others, { definition, contextMd: candidate.contextMd, sourcePath, contentHash: '' }];
  const invalid: InvalidAgent[] = [];
  checkOrganisation('agents', after, invalid);
  // The current registry holds only agents that passed these checks, so every problem here is new.
  for (const bad of invalid) {
    for (const p of bad.problems)
      errors.push(
        bad.name === definition.name ? `agent.yaml: ${p.message}` : `this change would break ${bad.name}: ${p.message}`,
      );
  }
  return { errors, warnings: context.warnings };
}
