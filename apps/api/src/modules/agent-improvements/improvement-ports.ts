import { Logger } from '@nestjs/common';
import type { AgentSnapshot, ImprovementAgents, ImprovementStore } from '@orchestrator/core';
import { isAppError } from '../../common/app-error.js';
import type { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import type { AgentRegistryService } from '../agents/agent-registry.service.js';
import type { AgentWorkspaceService } from '../agents/agent-workspace.service.js';
import type { ApprovalsService } from '../approvals/approvals.service.js';
import type { AgentImprovementsRepository } from './agent-improvements.repository.js';

/** Versions written by an improvement say so first: a re-run after a crash recognises its own write. */
export const improvementMessagePrefix = (improvementId: string) => `Improvement ${improvementId}`;

/** The agent's files and versions, through the Workforce's versioned saves. */
export function improvementAgents(registry: AgentRegistryService, workspace: AgentWorkspaceService): ImprovementAgents {
  const snapshot = async (workspaceId: string, name: string): Promise<AgentSnapshot | undefined> => {
    if (!registry.current().get(name)) return undefined;
    const detail = await workspace.detail(workspaceId, name);
    return detail.definition
      ? { name, version: detail.version, contextMd: detail.contextMd, definition: detail.definition }
      : undefined;
  };
  return {
    current: (ctx, name) => snapshot(ctx.workspaceId, name),
    apply: async (ctx, change) => {
      const before = await workspace.version(ctx.workspaceId, change.agentName, change.baseVersion);
      const backup: AgentSnapshot = {
        name: change.agentName,
        version: before.version,
        contextMd: before.contextMd,
        definition: before.definition,
      };
      try {
        const saved = await workspace.saveContext(
          ctx.workspaceId,
          change.agentName,
          { contextMd: change.contextMd, baseVersion: change.baseVersion, message: change.message },
          { type: 'system', name: 'agent-improvement' },
        );
        return { kind: 'applied', newVersion: saved.version, backup };
      } catch (err) {
        if (!isAppError(err) || err.code !== 'agent/version_conflict') throw err;
        // Our own earlier write (the process stopped before recording it) is not a conflict.
        const now = await snapshot(ctx.workspaceId, change.agentName);
        if (now && now.version === change.baseVersion + 1) {
          const written = await workspace.version(ctx.workspaceId, change.agentName, now.version);
          if (written.message.startsWith(improvementMessagePrefix(ctx.improvementId)))
            return { kind: 'applied', newVersion: now.version, backup };
        }
        return { kind: 'conflict', currentVersion: now?.version ?? change.baseVersion + 1 };
      }
    },
  };
}

/** The agent_improvements row, its approval, live updates and the agent's `being_improved` status. */
export function improvementStore(
  repository: AgentImprovementsRepository,
  approvals: ApprovalsService,
  registry: AgentRegistryService,
  workspace: AgentWorkspaceService,
  publisher: RealtimePublisher,
): ImprovementStore {
  const logger = new Logger('AgentImprovements');
  return {
    saveProposal: async (ctx, proposal) => {
      const record = await repository.saveProposal(ctx.workspaceId, ctx.improvementId, proposal);
      publisher.agentImprovementUpdated(ctx.workspaceId, record.improvement);
    },
    requestApproval: async (ctx, { threadId, proposal }) => {
      const current = await repository.get(ctx.workspaceId, ctx.improvementId);
      const agent = registry.current().get(proposal.agentName)?.definition;
      const approval = await approvals.request({
        workspaceId: ctx.workspaceId,
        kind: 'agent_improvement',
        projectId: null,
        stepKey: null,
        conversationId: current?.conversationId ?? null,
        threadId,
        interruptId: `improvement:${ctx.improvementId}`,
        agentName: proposal.agentName,
        department: agent?.department ?? null,
        action: 'improve_agent',
        riskLevel: 'medium',
        preview: {
          summary: `Apply a change to ${agent?.title ?? proposal.agentName}'s Context.md (version ${proposal.baseVersion} → ${proposal.baseVersion + 1}).`,
          details: {
            improvementId: ctx.improvementId,
            agent: proposal.agentName,
            trigger: current?.improvement.triggerType,
            reason: proposal.reason,
            diff: proposal.diff,
            madeBy: proposal.source === 'llm' ? 'model' : 'offline improver',
          },
        },
      });
      const record = await repository.setApproval(ctx.workspaceId, ctx.improvementId, approval.id);
      publisher.agentImprovementUpdated(ctx.workspaceId, record.improvement);
      return { approvalId: approval.id };
    },
    finish: async (ctx, end) => {
      const record = await repository.finish(ctx.workspaceId, ctx.improvementId, end);
      publisher.agentImprovementUpdated(ctx.workspaceId, record.improvement);
      // The agent is back to online/busy however it ended (a retired one has no status to restore).
      await workspace
        .setLifecycle(ctx.workspaceId, record.improvement.agentName, null)
        .catch((err: unknown) =>
          logger.warn({ err, agent: record.improvement.agentName }, 'could not clear being_improved'),
        );
    },
  };
}
