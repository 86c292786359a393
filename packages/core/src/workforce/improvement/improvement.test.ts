import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentDefinition } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { OFFLINE_PROVIDER } from '../../llm/provider.js';
import { ScriptedChatModel } from '../../llm/scripted.js';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { feedbackToRules, GUIDANCE_HEADING, mergeGuidance } from './offline.js';
import { proposeImprovement } from './propose.js';
import { NO_EVIDENCE, type AgentSnapshot, type ProposeInput } from './types.js';

const definition = { name: 'blog_post_writer', title: 'Blog Post Writer', department: 'marketing' } as AgentDefinition;
const agent = async (): Promise<AgentSnapshot> => ({
  name: 'blog_post_writer',
  version: 3,
  contextMd: await readFile(path.join(SHIPPED_AGENTS_DIR, 'marketing/blog_post_writer/Context.md'), 'utf8'),
  definition,
});
const input = async (feedback: string, extra: Partial<ProposeInput> = {}): Promise<ProposeInput> => ({
  agent: await agent(),
  triggerType: 'user_feedback',
  feedback,
  evidence: NO_EVIDENCE,
  ...extra,
});
const llm = (model: ScriptedChatModel) => ({
  info: { provider: 'scripted' as const, model: 's', offline: false },
  chatModel: model,
});

describe('offline improver', () => {
  it('should turn instructions into rules and quote complaints when feedback mixes both', () => {
    expect(
      feedbackToRules('the blog posts are way too long, keep them under 800 words. Please always add a TL;DR'),
    ).toEqual([
      'Correct this: “the blog posts are way too long”.',
      'Keep them under 800 words.',
      'Always add a TL;DR.',
    ]);
  });

  it('should append a guidance section that says no model rewrote it when Context.md has none', async () => {
    const p = await proposeImprovement(
      OFFLINE_PROVIDER,
      await input('the blog posts are way too long, keep them under 800 words'),
    );
    expect(p).toMatchObject({ source: 'offline', changed: true, baseVersion: 3 });
    expect(p.contextMd.startsWith((await agent()).contextMd.trimEnd())).toBe(true);
    expect(p.contextMd).toContain(`${GUIDANCE_HEADING}\n`);
    expect(p.contextMd).toContain('- Keep them under 800 words. _(from user feedback)_');
    expect(p.reason).toMatch(/not rewritten by a model/);
    expect(p.diff).toContain('+- Keep them under 800 words.');
    expect(p.diff).toMatch(/^--- a\/Context\.md/m);
  });

  it('should merge into the existing section without repeating a rule when the same feedback comes twice', async () => {
    const first = mergeGuidance('# A\n\n## Role\nWrite.\n', ['Keep posts short.'], 'user feedback');
    const second = mergeGuidance(
      `${first.contextMd}\n## Later\ntext\n`,
      ['Keep posts short.', 'Use British spelling.'],
      'a rejected step',
    );
    expect(second.added).toEqual(['Use British spelling.']);
    expect(second.contextMd.match(/## Guidance from feedback/g)).toHaveLength(1);
    const section = second.contextMd.slice(
      second.contextMd.indexOf(GUIDANCE_HEADING),
      second.contextMd.indexOf('## Later'),
    );
    expect(section).toContain('- Use British spelling. _(from a rejected step)_');
    const again = await proposeImprovement(OFFLINE_PROVIDER, {
      ...(await input('keep posts short')),
      agent: { ...(await agent()), contextMd: first.contextMd },
    });
    expect(again).toMatchObject({ changed: false, diff: '' });
    expect(again.reason).toMatch(/Nothing to change/);
  });

  it('should add a rule from the error rate when metrics triggered the proposal', async () => {
    const p = await proposeImprovement(
      OFFLINE_PROVIDER,
      await input('3 of the last 5 tasks failed', {
        triggerType: 'performance_metrics',
        evidence: {
          ratings: [],
          rejections: [],
          errors: [
            { category: 'validation', message: 'missing audience' },
            { category: 'validation', message: 'no topic' },
          ],
          recentTasks: { total: 5, failed: 3 },
        },
      }),
    );
    expect(p.contextMd).toMatch(/3 of the last 5 tasks failed, most often with validation \(“missing audience”\)/);
    expect(p.contextMd).toContain('_(from performance metrics)_');
  });
});

describe('LLM improver', () => {
  it('should use the model proposal after one repair when the first answer is unusable', async () => {
    const current = await agent();
    const revised = current.contextMd.replace(
      '- Word count within 10% of the brief.',
      '- Word count within 10% of the brief, and never over 800 words unless the brief asks.',
    );
    const model = new ScriptedChatModel([
      'Sure! Here is a better version.',
      JSON.stringify({ contextMd: revised, reason: 'Caps length at 800 words, as the feedback asks.' }),
    ]);
    const p = await proposeImprovement(llm(model), await input('posts are too long; keep them under 800 words'));
    expect(p).toMatchObject({
      source: 'llm',
      changed: true,
      reason: 'Caps length at 800 words, as the feedback asks.',
    });
    expect(p.diff).toContain('+- Word count within 10% of the brief, and never over 800 words unless the brief asks.');
    expect(model.prompts).toHaveLength(2);
    expect(String(model.prompts[1]!.at(-1)!.content)).toMatch(/no JSON object/);
    expect(String(model.prompts[0]![1]!.content)).toContain('posts are too long');
  });

  it('should fall back to the offline improver and say why when the model fails twice', async () => {
    const model = new ScriptedChatModel([
      '{"contextMd": "# Other"}',
      JSON.stringify({ contextMd: 'just a fragment', reason: 'x' }),
    ]);
    const p = await proposeImprovement(llm(model), await input('keep them under 800 words'));
    expect(p.source).toBe('offline');
    expect(p.reason).toMatch(/^The model's proposal could not be used \(contextMd must keep the title line/);
    expect(p.contextMd).toContain('- Keep them under 800 words.');
  });
});
