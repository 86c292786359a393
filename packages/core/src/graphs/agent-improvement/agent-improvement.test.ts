import { randomUUID } from 'node:crypto';
import { MemorySaver } from '@langchain/langgraph';
import type { AgentDefinition } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { OFFLINE_PROVIDER, type LlmProvider } from '../../llm/provider.js';
import { ScriptedChatModel } from '../../llm/scripted.js';
import { NO_EVIDENCE, type AgentSnapshot } from '../../workforce/improvement/types.js';
import type { ApplyChange, ImprovementAgents, ImprovementEnd, ImprovementStore } from './deps.js';
import { AgentImprovementRunner } from './runner.js';

const CONTEXT =
  '# Blog Post Writer\n\n## Role\nYou write blog posts.\n\n## Quality bar\n- Word count within 10% of the brief.\n';

/** An agent at one version, and every call the graph makes to its ports. */
function harness(llm: LlmProvider, options: { editedMeanwhile?: boolean } = {}) {
  let agent: AgentSnapshot = {
    name: 'blog_post_writer',
    version: 4,
    contextMd: CONTEXT,
    definition: { name: 'blog_post_writer', title: 'Blog Post Writer', department: 'marketing' } as AgentDefinition,
  };
  const applied: ApplyChange[] = [];
  const ends: ImprovementEnd[] = [];
  const approvals: { threadId: string; approvalId: string }[] = [];
  const saved: string[] = [];
  const agents: ImprovementAgents = {
    current: async (_ctx, name) => (name === agent.name ? agent : undefined),
    apply: async (_ctx, change) => {
      applied.push(change);
      if (options.editedMeanwhile || change.baseVersion !== agent.version)
        return { kind: 'conflict', currentVersion: agent.version + 1 };
      const backup = agent;
      agent = { ...agent, version: agent.version + 1, contextMd: change.contextMd };
      return { kind: 'applied', newVersion: agent.version, backup };
    },
  };
  const store: ImprovementStore = {
    saveProposal: async (_ctx, p) => void saved.push(p.diff),
    requestApproval: async (ctx, r) => {
      const existing = approvals.find((a) => a.threadId === r.threadId);
      if (existing) return existing;
      const created = { threadId: r.threadId, approvalId: `approval-${ctx.improvementId}` };
      approvals.push(created);
      return created;
    },
    finish: async (_ctx, end) => void ends.push(end),
  };
  const runner = new AgentImprovementRunner({ llm, agents, store, checkpointer: new MemorySaver() });
  const ctx = { workspaceId: randomUUID(), improvementId: randomUUID() };
  return { runner, ctx, applied, ends, approvals, saved, agent: () => agent };
}

const scripted = (model: ScriptedChatModel): LlmProvider => ({
  info: { provider: 'scripted', model: 's', offline: false },
  chatModel: model,
});
const request = {
  agentName: 'blog_post_writer',
  triggerType: 'user_feedback' as const,
  feedback: 'posts are too long, keep them under 800 words',
  evidence: NO_EVIDENCE,
};

describe('agent-improvement graph', () => {
  it('should propose a diff, wait for approval and apply on the base version when approved', async () => {
    const revised = CONTEXT.replace(
      '- Word count within 10% of the brief.',
      '- Word count within 10% of the brief and never above 800 words.',
    );
    const model = new ScriptedChatModel([JSON.stringify({ contextMd: revised, reason: 'Caps posts at 800 words.' })]);
    const h = harness(scripted(model));
    const first = await h.runner.start(h.ctx, request);
    expect(first).toMatchObject({
      kind: 'awaiting_approval',
      approvalId: `approval-${h.ctx.improvementId}`,
      proposal: { source: 'llm', baseVersion: 4, reason: 'Caps posts at 800 words.' },
    });
    expect(h.saved[0]).toContain('+- Word count within 10% of the brief and never above 800 words.');
    expect(h.applied).toEqual([]);
    expect(await h.runner.pending(h.ctx)).toMatchObject({ kind: 'approval', improvementId: h.ctx.improvementId });

    const done = await h.runner.resume(h.ctx, { decision: 'approve', decidedBy: 'Owner' });
    expect(done).toMatchObject({ kind: 'ended', end: { status: 'applied', newVersion: 5 } });
    expect(h.applied).toEqual([
      expect.objectContaining({ agentName: 'blog_post_writer', baseVersion: 4, contextMd: revised }),
    ]);
    expect(h.applied[0]!.message).toMatch(/approved by Owner/);
    expect(h.ends).toEqual([
      expect.objectContaining({
        status: 'applied',
        backup: expect.objectContaining({ version: 4, contextMd: CONTEXT }),
      }),
    ]);
    // The replayed gate found the same approval rather than raising a second one.
    expect(h.approvals).toHaveLength(1);
    expect(h.agent().contextMd).toBe(revised);
  });

  it('should apply nothing and record the rejection when the approval is rejected', async () => {
    const h = harness(OFFLINE_PROVIDER);
    await h.runner.start(h.ctx, request);
    const done = await h.runner.resume(h.ctx, {
      decision: 'reject',
      notes: 'keep the length rule as it is',
      decidedBy: 'Owner',
    });
    expect(done).toMatchObject({
      kind: 'ended',
      end: { status: 'rejected', reason: 'Rejected by Owner: keep the length rule as it is.' },
    });
    expect(h.applied).toEqual([]);
    expect(h.agent().contextMd).toBe(CONTEXT);
  });

  it('should fail without overwriting when the agent was edited after the proposal', async () => {
    const h = harness(OFFLINE_PROVIDER, { editedMeanwhile: true });
    await h.runner.start(h.ctx, request);
    const done = await h.runner.resume(h.ctx, { decision: 'approve' });
    expect(done).toMatchObject({ kind: 'ended', end: { status: 'failed' } });
    expect(done.kind === 'ended' && done.end.status === 'failed' && done.end.reason).toMatch(
      /based on version 4; the agent is now at version 5\). Nothing was overwritten/,
    );
    expect(h.agent().version).toBe(4);
  });

  it('should end without asking anyone when the agent does not exist', async () => {
    const h = harness(OFFLINE_PROVIDER);
    const result = await h.runner.start(h.ctx, { ...request, agentName: 'ghost_writer' });
    expect(result).toMatchObject({ kind: 'ended', end: { status: 'failed' } });
    expect(h.approvals).toEqual([]);
    expect(await h.runner.resume(h.ctx, { decision: 'approve' })).toMatchObject({ kind: 'ended' });
    expect(h.applied).toEqual([]);
  });
});
