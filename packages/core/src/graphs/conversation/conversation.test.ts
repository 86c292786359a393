import { randomUUID } from 'node:crypto';
import type { DelegationInfo, IntentResult } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IntentClassifier } from '../../intent/index.js';
import { ScriptedChatModel } from '../../llm/scripted.js';
import { loadShippedWorkforce, orchestratorHarness, type Workforce } from '../../testing/facade-harness.js';

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

const fixedIntent = (intent: Partial<IntentResult>): IntentClassifier => ({
  classify: async () => ({
    intent: 'DELEGATE',
    confidence: 0.9,
    department: null,
    agent: null,
    capabilityGap: false,
    scope: 'task',
    horizon: 'short_term',
    clarifyingQuestion: null,
    source: 'offline',
    ...intent,
  }),
});
const llm = (model: ScriptedChatModel) => ({
  info: { provider: 'scripted' as const, model: 's', offline: false },
  chatModel: model,
});
const delegationOf = (meta: Record<string, unknown>) => meta.delegation as DelegationInfo;

describe('delegate node', () => {
  it('should compute ROI with the function agent and record the delegation with scores', async () => {
    const h = orchestratorHarness(workforce);
    const { reply } = await h.send(randomUUID(), 'Calculate the ROI of a 120k tool that saves 8k a month over 3 years');
    expect(delegationOf(reply.metadata)).toMatchObject({
      agent: 'roi_calculator',
      kind: 'function',
      fallbackFrom: null,
    });
    expect(delegationOf(reply.metadata).candidates[0]).toMatchObject({ agent: 'roi_calculator', available: true });
    expect(reply.content).toMatch(/140/);
    expect(h.delegations.records).toEqual([expect.objectContaining({ agent: 'roi_calculator', outcome: 'succeeded' })]);
  });

  it('should ask for missing input and complete the same task with the next message', async () => {
    const h = orchestratorHarness(workforce);
    const id = randomUUID();
    const first = await h.send(id, 'Calculate the ROI of a new CRM that saves 5k a month');
    expect(first.reply.metadata).toMatchObject({ intent: 'DELEGATE' });
    expect(first.reply.content).toMatch(/still need the up-front cost/);
    const second = await h.send(id, 'it costs 60k, over 2 years');
    expect(delegationOf(second.reply.metadata)).toMatchObject({ agent: 'roi_calculator', kind: 'function' });
    expect(second.reply.content).toMatch(/ROI/);
  });

  it('should fall back to an equally capable or managing agent when the best one is full', async () => {
    // Time passes at once: the full ROI Calculator is waited for, then given up on.
    const h = orchestratorHarness(workforce, undefined, { full: ['roi_calculator'], sleep: async () => undefined });
    const { reply } = await h.send(randomUUID(), 'Calculate the ROI of a 120k tool that saves 8k a month over 3 years');
    const d = delegationOf(reply.metadata);
    expect(d.agent).not.toBe('roi_calculator');
    expect(d.candidates.find((c) => c.agent === 'roi_calculator')).toMatchObject({ available: false });
    expect(d.reason).toMatch(/unavailable/);
  });

  it('should answer with the agent Context.md through the LLM and stream it', async () => {
    const model = new ScriptedChatModel(['# Launch post\n\nOur analytics dashboard is here.']);
    const h = orchestratorHarness(workforce, llm(model), { intents: fixedIntent({ agent: 'blog_post_writer' }) });
    const { reply } = await h.send(randomUUID(), 'Write a blog post announcing our analytics dashboard');
    expect(delegationOf(reply.metadata)).toMatchObject({ agent: 'blog_post_writer', kind: 'context_llm' });
    expect(String(model.prompts[0]![0]!.content)).toContain('## Role');
    expect(reply.content).toContain('Our analytics dashboard is here.');
    expect(h.deltas.map((d) => d.delta).join('')).toBe(reply.content);
    expect(h.usage[0]).toMatchObject({ agentName: 'blog_post_writer' });
  });

  it('should retry the task on an alternative agent when the chosen one fails', async () => {
    const model = new ScriptedChatModel([new Error('upstream exploded'), 'A draft from the second agent.']);
    const h = orchestratorHarness(workforce, llm(model), { intents: fixedIntent({ agent: 'blog_post_writer' }) });
    const { reply } = await h.send(randomUUID(), 'Write a blog post announcing our analytics dashboard');
    const d = delegationOf(reply.metadata);
    expect(d.agent).not.toBe('blog_post_writer');
    expect(d.fallbackFrom).toBe('blog_post_writer');
    expect(h.delegations.records.map((r) => r.outcome)).toEqual(['failed', 'succeeded']);
  });

  it('should keep follow-ups with the same agent', async () => {
    const model = new ScriptedChatModel(['First draft.', 'Shorter draft.']);
    const h = orchestratorHarness(workforce, llm(model), { intents: fixedIntent({}) });
    const id = randomUUID();
    const first = await h.send(id, 'Write a blog post announcing our analytics dashboard');
    const second = await h.send(id, 'make it shorter please');
    expect(delegationOf(second.reply.metadata).agent).toBe(delegationOf(first.reply.metadata).agent);
    expect(delegationOf(second.reply.metadata).reason).toMatch(/Follow-up/);
  });
});

describe('plan and refine nodes', () => {
  it('should store a plan, then a refined version that the next turn builds on', async () => {
    const h = orchestratorHarness(workforce);
    const id = randomUUID();
    const { reply } = await h.send(id, 'Plan the launch of our product in Germany next quarter');
    const ref = reply.metadata.project as { id: string; version: number };
    expect(ref.version).toBe(1);
    expect(reply.content).toMatch(/weeks/);
    const refined = await h.send(id, 'make the launch budget step 2 weeks');
    expect(refined.reply.metadata.project).toEqual({ id: ref.id, version: 2 });
    const versions = h.projects.plans.get(ref.id)!;
    const budget = versions[1]!.plan.steps
      .flatMap((s) => s.steps ?? [s])
      .find((s) => /budget/i.test(s.name) && s.type === 'standard');
    expect(budget?.estimatedDuration).toEqual({ value: 2, unit: 'weeks' });
  });

  it('should ask which step is meant when a refinement is unclear', async () => {
    const h = orchestratorHarness(workforce);
    const id = randomUUID();
    await h.send(id, 'Plan the launch of our product in Germany next quarter');
    const { reply } = await h.send(id, 'change the thing to 3 days');
    expect(reply.content).toMatch(/\?/);
    expect(reply.metadata.project).toBeUndefined();
  });
});

describe('build and improve nodes', () => {
  it('should recognise a new agent request as a capability gap and say what would be built', async () => {
    const h = orchestratorHarness(workforce);
    const { reply } = await h.send(randomUUID(), 'we need an agent that reviews vendor contracts for legal risk');
    expect(reply.metadata).toMatchObject({ intent: 'BUILD_AGENT', capabilityGap: true });
    expect(reply.content).toMatch(/legal/i);
    expect(reply.content).toMatch(/legal_contract_reviewer[\s\S]*not available in this setup/);
  });

  it('should attribute feedback to the agent it is about', async () => {
    const h = orchestratorHarness(workforce, undefined, {
      intents: fixedIntent({ intent: 'IMPROVE_AGENT', agent: 'blog_post_writer' }),
    });
    const { reply } = await h.send(randomUUID(), 'the blog posts are way too long, keep them under 800 words');
    expect(reply.metadata).toMatchObject({ intent: 'IMPROVE_AGENT', improvementTarget: 'blog_post_writer' });
  });
});

describe('intent failures', () => {
  it('should fall back to the offline classifier when the LLM returns malformed output twice', async () => {
    const { createLlmIntentClassifier } = await import('../../intent/index.js');
    const model = new ScriptedChatModel(['not json at all', '{"intent": "SOMETHING"}']);
    const classifier = createLlmIntentClassifier(model, workforce.registry, { fallback: workforce.intents });
    const result = await classifier.classify({ text: 'Which agents are in hr?', history: [] });
    expect(result.source).toBe('offline');
    expect(result.intent).toBe('DIRECT_RESPONSE');
  });
});

describe('long messages', () => {
  /** A valid message just under the 32,000-character limit: words, so every path can read it. */
  const long =
    `Please write a blog post about our launch. ${'We ship faster, safer releases every week. '.repeat(720)}`.slice(
      0,
      31_500,
    );

  it.each([
    ['DELEGATE', { intent: 'DELEGATE' as const, agent: 'blog_post_writer' }],
    ['IMPROVE_AGENT', { intent: 'IMPROVE_AGENT' as const, agent: 'blog_post_writer' }],
    ['CREATE_PROJECT', { intent: 'CREATE_PROJECT' as const, scope: 'project' as const }],
    ['BUILD_AGENT', { intent: 'BUILD_AGENT' as const }],
    ['CLARIFY', { intent: 'CLARIFY' as const, clarifyingQuestion: 'Which launch do you mean?' }],
    ['DIRECT_RESPONSE', { intent: 'DIRECT_RESPONSE' as const }],
  ])('should reply within a few thousand characters when a %s message is 31,500 characters', async (_, intent) => {
    const h = orchestratorHarness(workforce, undefined, { intents: fixedIntent(intent) });
    const { reply } = await h.send(randomUUID(), long);
    expect(reply.role).not.toBe('system');
    expect(reply.content.length).toBeLessThan(5_000);
  });
});
