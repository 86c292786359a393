import { randomUUID } from 'node:crypto';
import { MemorySaver } from '@langchain/langgraph';
import type { AgentDraft } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_PROVIDER, type LlmProvider } from '../../llm/provider.js';
import { ScriptedChatModel } from '../../llm/scripted.js';
import { loadShippedWorkforce, type Workforce } from '../../testing/facade-harness.js';
import { specifyAgent } from '../../workforce/building/identity.js';
import type { AgentBuildPort, BuildProgress } from './deps.js';
import { AgentCreationEngine } from './engine.js';

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

const REQUEST = 'We need an agent that reviews vendor contracts for legal risk';
const scripted = (model: ScriptedChatModel): LlmProvider => ({
  info: { provider: 'scripted', model: 's', offline: false },
  chatModel: model,
});

const CONTEXT = [
  '# Contract Risk Reviewer',
  '',
  '## Role',
  'You review vendor contracts.',
  '',
  '## Responsibilities',
  '- Flag risky clauses.',
  '',
  '## Inputs',
  '- The contract.',
  '',
  '## Outputs',
  '- A risk table.',
  '',
  '## Quality bar',
  '- Quote every clause.',
  '',
  '## Escalation',
  '- High risk goes to the CEO.',
].join('\n');
const GOOD_DRAFT = JSON.stringify({
  title: 'Contract Risk Reviewer',
  description: 'Reviews vendor contracts for legal risk.',
  keywords: ['contract', 'legal'],
  contextMd: CONTEXT,
});

/** A recording port: what the host would store, raise and deploy. */
function recordingPort() {
  const progress: BuildProgress[] = [];
  const approvals: string[] = [];
  const deployed: AgentDraft[] = [];
  const port: AgentBuildPort = {
    progress: async (_ctx, update) => void progress.push(update),
    requestApproval: async (ctx) => {
      approvals.push(ctx.buildId);
      return { id: `approval-${ctx.buildId}` };
    },
    deploy: async (_ctx, { draft }) => {
      deployed.push(draft);
      return { agentName: draft.definition.name };
    },
  };
  return { port, progress, approvals, deployed, statuses: () => progress.map((p) => p.status) };
}

function engineWith(llm: LlmProvider, port: AgentBuildPort, checkpointer = new MemorySaver()) {
  return new AgentCreationEngine({
    registry: () => workforce.registry,
    llm,
    usage: { record: async () => undefined },
    builds: port,
    checkpointer,
  });
}

describe('agent creation graph', () => {
  it('should draft, validate, wait for approval and deploy once when approved', async () => {
    const model = new ScriptedChatModel([
      GOOD_DRAFT,
      'Clause 1 (liability cap of one month of fees): high risk. Suggest 12 months of fees.',
      'The tagline would be risky... no, this is a contract review: auto-renewal for 3 years with 180 days notice is high risk.',
    ]);
    const rec = recordingPort();
    const checkpointer = new MemorySaver();
    const ctx = { workspaceId: 'w', buildId: randomUUID() };
    const spec = specifyAgent({ request: REQUEST }, workforce.registry, workforce.index);
    const first = await engineWith(scripted(model), rec.port, checkpointer).start(ctx, spec);
    expect(first).toEqual({ kind: 'awaiting_approval', approvalId: `approval-${ctx.buildId}` });
    expect(rec.statuses()).toEqual(['validating', 'awaiting_approval']);
    expect(rec.progress[0]).toMatchObject({ draftSource: 'llm' });
    expect(rec.deployed).toEqual([]);
    // A fresh engine over the same checkpoints: the build survives a restart.
    const again = engineWith(scripted(model), rec.port, checkpointer);
    expect(await again.status(ctx)).toEqual(first);
    const done = await again.resume(ctx, { decision: 'approve', decidedBy: 'Ada' });
    expect(done).toEqual({ kind: 'finished', outcome: 'deployed', agentName: 'legal_contract_reviewer' });
    expect(rec.deployed).toHaveLength(1);
    expect(rec.deployed[0]!.definition).toMatchObject({
      name: 'legal_contract_reviewer',
      department: 'legal',
      reportsTo: 'ceo_orchestrator',
      title: 'Contract Risk Reviewer',
    });
    expect(rec.approvals).toHaveLength(1);
    expect(rec.statuses().slice(-2)).toEqual(['deploying', 'deployed']);
  });

  it('should deploy nothing and record the notes when the approval is rejected', async () => {
    const rec = recordingPort();
    const ctx = { workspaceId: 'w', buildId: randomUUID() };
    const engine = engineWith(OFFLINE_PROVIDER, rec.port);
    const first = await engine.start(ctx, specifyAgent({ request: REQUEST }, workforce.registry, workforce.index));
    expect(first.kind).toBe('awaiting_approval');
    const done = await engine.resume(ctx, {
      decision: 'reject',
      notes: 'Legal stays with outside counsel',
      decidedBy: 'Ada',
    });
    expect(done).toEqual({ kind: 'finished', outcome: 'rejected', agentName: null });
    expect(rec.deployed).toEqual([]);
    expect(rec.progress.at(-1)).toEqual({
      status: 'rejected',
      error: 'Rejected by Ada: Legal stays with outside counsel',
    });
  });

  it('should repair a bad draft once and then fall back to the offline template', async () => {
    const model = new ScriptedChatModel([
      'Sure! Here is the agent you asked for.',
      '{"title": "x"}',
      'Answer to the sample task: clause 1 is high risk because liability is capped at one month.',
    ]);
    const rec = recordingPort();
    const ctx = { workspaceId: 'w', buildId: randomUUID() };
    const result = await engineWith(scripted(model), rec.port).start(
      ctx,
      specifyAgent({ request: REQUEST }, workforce.registry, workforce.index),
    );
    expect(result.kind).toBe('awaiting_approval');
    expect(rec.progress[0]).toMatchObject({ status: 'validating', draftSource: 'template' });
    expect(rec.progress[0]!.notes![0]).toMatch(/could not be used .*drafted from the department specialist template/);
    expect(String(model.prompts[1]!.at(-1)!.content)).toMatch(/no JSON object/);
    expect(rec.progress[0]!.draft!.contextMd).toContain('## Escalation');
  });

  it('should fail without asking for approval when validation fails', async () => {
    const rec = recordingPort();
    const ctx = { workspaceId: 'w', buildId: randomUUID() };
    // The manager does not exist: the organisation check fails, nobody is asked.
    const spec = {
      ...specifyAgent({ request: REQUEST }, workforce.registry, workforce.index),
      reportsTo: 'general_counsel',
    };
    const result = await engineWith(OFFLINE_PROVIDER, rec.port).start(ctx, spec);
    expect(result).toEqual({ kind: 'finished', outcome: 'failed', agentName: null });
    expect(rec.approvals).toEqual([]);
    expect(rec.progress.at(-1)).toMatchObject({ status: 'failed' });
    expect(rec.progress.at(-1)!.error).toMatch(/organisation: .*general_counsel/);
  });
});
