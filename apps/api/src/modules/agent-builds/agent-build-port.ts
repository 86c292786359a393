import { Logger } from '@nestjs/common';
import {
  agentBuildThreadId,
  buildProgressMessage,
  serializeAgentYaml,
  type AgentBuildPort,
  type ApprovalInput,
  type BuildContext,
  type LlmProvider,
} from '@orchestrator/core';
import { isAppError } from '../../common/app-error.js';
import type { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import type { AgentRegistryService } from '../agents/agent-registry.service.js';
import type { AgentWorkspaceService } from '../agents/agent-workspace.service.js';
import type { ApprovalsService } from '../approvals/approvals.service.js';
import type { ConversationsRepository } from '../conversations/conversations.repository.js';
import type { AgentBuildsRepository, BuildRecord } from './agent-builds.repository.js';

const logger = new Logger('AgentBuilds');

export interface PortServices {
  repository: AgentBuildsRepository;
  approvals: ApprovalsService;
  registry: AgentRegistryService;
  workspace: AgentWorkspaceService;
  conversations: ConversationsRepository;
  publisher: RealtimePublisher;
  llm: LlmProvider;
  /** The conversation of the project a step build belongs to, where its progress is posted too. */
  projectConversation: (workspaceId: string, projectId: string) => Promise<string | null>;
}

/** Posts the build's progress into its conversation (and the project's), live. */
export async function announce(s: PortServices, record: BuildRecord): Promise<void> {
  s.publisher.agentBuildUpdated(record.workspaceId, record.build);
  const said = buildProgressMessage({
    build: record.build,
    spec: record.spec,
    draftSource: record.draftSource,
    notes: record.draftNotes,
    offline: s.llm.info.offline,
  });
  if (!said) return;
  const b = record.build;
  const conversations = new Set<string>();
  if (b.conversationId) conversations.add(b.conversationId);
  if (b.projectId) {
    const c = await s.projectConversation(record.workspaceId, b.projectId);
    if (c) conversations.add(c);
  }
  for (const conversationId of conversations) {
    const message = await s.conversations.appendMessage({
      workspaceId: record.workspaceId,
      conversationId,
      role: 'assistant',
      agentName: 'ceo_orchestrator',
      content: said.text,
      // One live card per build and conversation: the chat that asked has it on the first reply; a
      // project's conversation gets it with the approval request. Other updates are text.
      metadata: {
        intent: 'BUILD_AGENT',
        agentBuildRef: b.id,
        agentBuildStatus: b.status,
        offline: s.llm.info.offline,
        // Its text opens with the one offline notice, which the chat shows as the draft's banner.
        ...(said.offlineDraft ? { offlineDraft: true } : {}),
        ...(conversationId !== b.conversationId && b.status === 'awaiting_approval' ? { agentBuildId: b.id } : {}),
      },
    });
    s.publisher.messageCreated(record.workspaceId, message);
  }
}

/** The graph's side of a build, over the repository, approvals and the Workforce's deploy. */
export function agentBuildPort(s: PortServices): AgentBuildPort {
  return {
    async progress(ctx, update) {
      const result = await s.repository.progress(ctx.workspaceId, ctx.buildId, update);
      if (!result) throw new Error(`Agent build ${ctx.buildId} does not exist`);
      // Cancelled while the graph ran (its project was stopped): the graph stops here, silently.
      if (result.record.build.status === 'cancelled' && update.status !== 'cancelled')
        throw new Error(`Agent build ${ctx.buildId} was cancelled`);
      // A replayed node reports the same status again: announced once.
      if (result.changed) await announce(s, result.record);
      else s.publisher.agentBuildUpdated(ctx.workspaceId, result.record.build);
    },

    async requestApproval(ctx: BuildContext, input: ApprovalInput) {
      const record = await s.repository.get(ctx.workspaceId, ctx.buildId);
      if (!record || record.build.status === 'cancelled') throw new Error(`Agent build ${ctx.buildId} was cancelled`);
      const { spec, draft, validation } = input;
      const files: Record<string, string> = {
        'agent.yaml': serializeAgentYaml(draft.definition),
        'Context.md': draft.contextMd,
      };
      if (draft.moduleSource) files['index.ts'] = draft.moduleSource;
      if (draft.inputSchemaSource) files['schema.ts'] = draft.inputSchemaSource;
      const drafted = input.draftSource === 'llm' ? 'drafted by the language model' : 'drafted offline from a template';
      const approval = await s.approvals.request({
        workspaceId: ctx.workspaceId,
        kind: 'agent_creation',
        projectId: record.build.projectId,
        stepKey: record.build.stepKey,
        conversationId: record.build.conversationId,
        threadId: agentBuildThreadId(ctx.buildId),
        interruptId: `agent-build:${ctx.buildId}`,
        agentName: spec.name,
        department: spec.department,
        action: 'deploy_agent',
        riskLevel: 'high',
        preview: {
          summary: `Deploy the new agent ${spec.title} (${spec.name}) in ${spec.isNewDepartment ? 'a new ' : ''}${spec.departmentLabel}, reporting to ${spec.reportsTo} — ${drafted}; validation ${validation.passed ? 'passed' : 'failed'}.`,
          details: {
            buildId: ctx.buildId,
            request: spec.request,
            agent: spec.name,
            title: spec.title,
            department: spec.department,
            reportsTo: spec.reportsTo,
            type: spec.type,
            capabilities: spec.capabilities,
            template: spec.template,
            draftedBy: input.draftSource,
            notes: input.notes,
            files,
            validation: {
              passed: validation.passed,
              summary: validation.summary,
              checks: validation.checks,
              tasks: validation.tasks.map((t) => ({ task: t.task, passed: t.passed, work: t.work, output: t.output })),
            },
          },
        },
      });
      // A project stopped between the check above and the request: withdraw what was just asked.
      const after = await s.repository.get(ctx.workspaceId, ctx.buildId);
      if (after?.build.status === 'cancelled') {
        if (approval.status === 'pending' && after.build.projectId)
          await s.approvals.cancelForProject(
            ctx.workspaceId,
            after.build.projectId,
            after.build.error ?? 'The project was stopped.',
          );
        throw new Error(`Agent build ${ctx.buildId} was cancelled`);
      }
      return { id: approval.id };
    },

    async deploy(ctx, { spec, draft, decidedBy }) {
      const message = `Built by the agent builder (build ${ctx.buildId}) for: ${spec.request.slice(0, 200)}${decidedBy ? `; approved by ${decidedBy}` : ''}`;
      try {
        await s.workspace.createAgent(ctx.workspaceId, draft, { type: 'agent', name: 'agent_builder' }, message);
      } catch (err) {
        // A replay after a crash between the deploy and its checkpoint finds its own agent.
        const existing = s.registry.current().get(draft.definition.name);
        if (!(isAppError(err) && err.code === 'agent/exists' && existing && existing.contextMd === draft.contextMd))
          throw err;
        logger.log(`Agent ${draft.definition.name} of build ${ctx.buildId} was already deployed`);
      }
      await s.workspace.setLifecycle(ctx.workspaceId, draft.definition.name, null).catch(() => undefined);
      return { agentName: draft.definition.name };
    },
  };
}
