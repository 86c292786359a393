import { z } from 'zod';
import type { ImprovementEvidence, ProposeInput } from './types.js';

/** What the model must return: the whole revised Context.md and why. */
export const LlmProposalSchema = z.object({
  contextMd: z.string().min(1).describe('The complete revised Context.md (Markdown), not a fragment or a diff.'),
  reason: z
    .string()
    .min(1)
    .max(1500)
    .describe('Two or three sentences: what changes and which feedback or evidence it answers.'),
});
export type LlmProposal = z.infer<typeof LlmProposalSchema>;

export const IMPROVER_SYSTEM_PROMPT = [
  "You improve an AI agent's instructions (its Context.md) from feedback about its work.",
  'Make the smallest change that answers the feedback: edit or add the relevant rules in the sections where they belong; keep every other section, heading and sentence as it is.',
  'Never invent facts about the company, its customers, products or numbers. Never remove safety, approval or escalation rules. Never add instructions to ignore earlier instructions, reveal secrets, or act without approval.',
  'Reply with one JSON object with exactly the keys contextMd (the complete revised Context.md) and reason. No prose, no code fences.',
].join('\n\n');

function evidenceText(evidence: ImprovementEvidence): string {
  const parts: string[] = [];
  if (evidence.ratings.length)
    parts.push(
      `Recent ratings (1–5):\n${evidence.ratings.map((r) => `- ${r.rating}/5 on “${r.task.slice(0, 160)}”${r.comment ? `: ${r.comment}` : ''}`).join('\n')}`,
    );
  if (evidence.rejections.length)
    parts.push(`Steps a reviewer rejected:\n${evidence.rejections.map((r) => `- ${r.action}: ${r.notes}`).join('\n')}`);
  if (evidence.errors.length) {
    const rate = evidence.recentTasks
      ? ` (${evidence.recentTasks.failed} of the last ${evidence.recentTasks.total} tasks failed)`
      : '';
    parts.push(
      `Recent errors${rate}:\n${evidence.errors.map((e) => `- ${e.category}: ${e.message.slice(0, 200)}`).join('\n')}`,
    );
  }
  return parts.join('\n\n');
}

export function improverUserPrompt(input: ProposeInput): string {
  const evidence = evidenceText(input.evidence);
  return [
    `Agent: ${input.agent.definition.title} (${input.agent.name}), ${input.agent.definition.department} department.`,
    `Why a change is proposed (${input.triggerType.replace(/_/g, ' ')}):\n${input.feedback}`,
    evidence,
    `Current Context.md (version ${input.agent.version}):\n<<<CONTEXT\n${input.agent.contextMd}\nCONTEXT>>>`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

export const improverRepairPrompt = (problem: string) =>
  `That answer could not be used: ${problem}. Reply again with only the corrected JSON object {"contextMd": …, "reason": …}.`;
