import { quoteExcerpt } from '../messages/limits.js';
import type { LoadedAgent } from '../registry/load.js';

/** The body of a `## Heading` section of a Context.md, or undefined. */
export function contextSection(contextMd: string, heading: string): string | undefined {
  const lines = contextMd.split('\n');
  const start = lines.findIndex((l) => l.trim().toLowerCase() === `## ${heading.toLowerCase()}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^##\s/.test(l));
  return (
    lines
      .slice(start + 1, end < 0 ? undefined : end)
      .join('\n')
      .trim() || undefined
  );
}

/**
 * What the offline model can honestly give for a context-driven agent: not prose pretending to
 * be the agent, but a work brief built from the agent's own Context.md, marked as an offline draft.
 */
export function offlineDraft(agent: LoadedAgent, task: string): string {
  const d = agent.definition;
  const outputs = contextSection(agent.contextMd, 'Outputs');
  const quality = contextSection(agent.contextMd, 'Quality bar');
  const inputs = contextSection(agent.contextMd, 'Inputs');
  return [
    `**Offline draft** — no language model is configured, so ${d.title} cannot write this itself. Here is the brief it works from; configure an LLM provider (see README → Configuration) to get the finished work.`,
    '',
    `**Task:** ${quoteExcerpt(task.trim())}`,
    '',
    ...(inputs ? ['**What it needs from you**', '', inputs, ''] : []),
    ...(outputs ? ['**What it delivers**', '', outputs, ''] : []),
    ...(quality ? ['**How the result is checked**', '', quality] : []),
  ]
    .join('\n')
    .trim();
}
