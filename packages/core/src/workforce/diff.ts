import type { AgentDefinition, AgentDiff } from '@orchestrator/contracts';
import { createTwoFilesPatch } from 'diff';
import { serializeAgentYaml } from '../registry/yaml.js';

/** Lines of unchanged context around each change, as `git diff` shows. */
const CONTEXT_LINES = 3;

/**
 * A unified diff (`--- a/…`, `+++ b/…`, `@@` hunks) of two texts; empty when they are equal, so
 * a client can tell "no change" without parsing.
 */
export function unifiedDiff(
  file: string,
  oldText: string,
  newText: string,
  oldLabel: string,
  newLabel: string,
): string {
  if (oldText === newText) return '';
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, oldText, newText, oldLabel, newLabel, {
    context: CONTEXT_LINES,
  });
}

/** One side of an agent diff: a stored version, the live files, or a proposal (version null). */
export interface AgentContent {
  version: number | null;
  contextMd: string;
  definition: AgentDefinition;
}

const label = (c: AgentContent): string => (c.version === null ? 'proposed' : `version ${c.version}`);

/** Diff of Context.md and of agent.yaml (as the files would be written) between two contents. */
export function agentDiff(from: AgentContent, to: AgentContent): AgentDiff {
  return {
    from: from.version,
    to: to.version,
    contextDiff: unifiedDiff('Context.md', from.contextMd, to.contextMd, label(from), label(to)),
    definitionDiff: unifiedDiff(
      'agent.yaml',
      serializeAgentYaml(from.definition),
      serializeAgentYaml(to.definition),
      label(from),
      label(to),
    ),
  };
}
