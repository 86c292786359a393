import type { AgentDefinition } from '@orchestrator/contracts';
import { parseDocument, stringify } from 'yaml';
import { controlCharacterError } from './context-safety.js';

/** agent.yaml larger than this is refused: a real definition is a few hundred bytes. */
export const AGENT_YAML_MAX_BYTES = 64 * 1024;
/** Aliases resolved per document; a billion-laughs file needs thousands. */
export const YAML_MAX_ALIAS_COUNT = 50;

export type YamlParseResult = { ok: true; value: unknown } | { ok: false; errors: string[] };

/**
 * Parses agent.yaml text safely: YAML 1.2 core schema only (no `!!js/…` or other custom tags:
 * an unknown tag is an error, not a string), no merge keys, duplicate keys refused, aliases
 * bounded against alias bombs, and a size limit before anything is parsed.
 */
export function parseAgentYaml(text: string): YamlParseResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > AGENT_YAML_MAX_BYTES)
    return { ok: false, errors: [`agent.yaml is ${bytes} bytes; the limit is ${AGENT_YAML_MAX_BYTES}`] };
  const control = controlCharacterError(text, 'agent.yaml');
  if (control) return { ok: false, errors: [control] };
  const doc = parseDocument(text, {
    schema: 'core',
    customTags: [],
    merge: false,
    uniqueKeys: true,
    prettyErrors: true,
  });
  // Unresolved tags are only warnings to the yaml library; to us they are hostile or a typo.
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED')];
  if (problems.length > 0)
    return { ok: false, errors: problems.map((e) => `invalid YAML: ${e.message.split('\n')[0]}`) };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT }) };
  } catch (err) {
    return { ok: false, errors: [`invalid YAML: ${(err as Error).message}`] };
  }
}

/**
 * Writes a definition as agent.yaml. Keys keep the schema's order and settings left at their
 * defaults are omitted, so a file edited in the UI reads like a hand-written one.
 */
export function serializeAgentYaml(definition: AgentDefinition): string {
  const out: Record<string, unknown> = {
    name: definition.name,
    title: definition.title,
    department: definition.department,
    type: definition.type,
    reportsTo: definition.reportsTo,
    description: definition.description,
    capabilities: definition.capabilities,
  };
  if (definition.keywords.length > 0) out.keywords = definition.keywords;
  out.risk = Object.keys(definition.risk.actions).length > 0 ? definition.risk : { default: definition.risk.default };
  if (definition.autonomy) out.autonomy = definition.autonomy;
  const model = definition.model;
  if (
    model.provider !== 'default' ||
    model.name !== undefined ||
    model.temperature !== undefined ||
    model.maxTokens !== undefined
  )
    out.model = model;
  if (definition.limits.maxConcurrent !== 1) out.limits = definition.limits;
  return stringify(out, { lineWidth: 0, aliasDuplicateObjects: false });
}
