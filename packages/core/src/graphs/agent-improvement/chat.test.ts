import { randomUUID } from 'node:crypto';
import { MemorySaver } from '@langchain/langgraph';
import type { IntentResult } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IntentClassifier } from '../../intent/index.js';
import { OFFLINE_PROVIDER } from '../../llm/provider.js';
import { OrchestratorFacade } from '../../orchestrator/facade.js';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { loadShippedWorkforce, type Workforce } from '../../testing/facade-harness.js';
import { memoryLoads, recordingDelegations, recordingMessages, recordingProjects } from '../../testing/ports.js';
import type { ChatImprovements } from '../../workforce/improvement/chat.js';
import { NO_EVIDENCE } from '../../workforce/improvement/types.js';
import { AgentImprovementRunner } from './runner.js';

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

const improveIntent: IntentClassifier = {
  classify: async (): Promise<IntentResult> => ({
    intent: 'IMPROVE_AGENT',
    confidence: 0.9,
    department: 'marketing',
    agent: 'blog_post_writer',
    capabilityGap: false,
    scope: 'task',
    horizon: 'short_term',
    clarifyingQuestion: null,
    source: 'offline',
  }),
};

/** The facade with the improvement port backed by the real graph over the shipped blog_post_writer. */
function facadeWithImprovements() {
  const agent = workforce.registry.get('blog_post_writer')!;
  const runner = new AgentImprovementRunner({
    llm: OFFLINE_PROVIDER,
    checkpointer: new MemorySaver(),
    agents: {
      current: async () => ({
        name: 'blog_post_writer',
        version: 1,
        contextMd: agent.contextMd,
        definition: agent.definition,
      }),
      apply: async () => ({ kind: 'conflict', currentVersion: 1 }),
    },
    store: {
      saveProposal: async () => undefined,
      requestApproval: async (ctx) => ({ approvalId: `approval-${ctx.improvementId}` }),
      finish: async () => undefined,
    },
  });
  const improvements: ChatImprovements = {
    propose: async (r) => {
      const ctx = { workspaceId: r.workspaceId, improvementId: randomUUID() };
      const result = await runner.start(ctx, {
        agentName: r.agentName,
        triggerType: 'user_feedback',
        feedback: r.feedback,
        evidence: NO_EVIDENCE,
      });
      return result.kind === 'awaiting_approval'
        ? {
            kind: 'proposed',
            improvementId: ctx.improvementId,
            approvalId: result.approvalId,
            reason: result.proposal.reason,
            diff: result.proposal.diff,
            source: result.proposal.source,
          }
        : {
            kind: 'ended',
            improvementId: ctx.improvementId,
            reason: result.end.status === 'applied' ? 'applied' : result.end.reason,
          };
    },
  };
  const messages = recordingMessages();
  const facade = new OrchestratorFacade({
    registry: () => workforce.registry,
    index: () => workforce.index,
    agentsDir: SHIPPED_AGENTS_DIR,
    llm: OFFLINE_PROVIDER,
    intents: improveIntent,
    projects: recordingProjects(),
    delegations: recordingDelegations(),
    loads: memoryLoads(workforce.registry),
    chunkDelayMs: 0,
    sleep: async () => undefined,
    checkpointer: new MemorySaver(),
    usage: { record: async () => undefined },
    messages,
    events: {
      messageCreated: () => undefined,
      replyStarted: () => undefined,
      delta: () => undefined,
      replyFailed: () => undefined,
    },
    improvements,
  });
  return (content: string) =>
    facade.handleUserMessage({ workspaceId: randomUUID(), conversationId: randomUUID(), userId: null, content });
}

describe('improvement node', () => {
  it('should reply with the reason, the diff and where to approve when feedback names an agent', async () => {
    const send = facadeWithImprovements();
    const { reply } = await send('the blog posts are way too long, keep them under 800 words');
    expect(reply.metadata).toMatchObject({
      intent: 'IMPROVE_AGENT',
      improvementTarget: 'blog_post_writer',
      improvement: { kind: 'proposed', approvalId: expect.stringMatching(/^approval-/) },
    });
    expect(reply.content).toContain('**Proposed change to its Context.md**');
    expect(reply.content).toContain('not rewritten by a model');
    expect(reply.content).toMatch(/```diff\n=+\n--- a\/Context\.md[\s\S]*\+- Keep them under 800 words\./);
    expect(reply.content).toContain('Approve it in the Approvals queue or here.');
  });
});
