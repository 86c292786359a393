import { randomUUID } from 'node:crypto';
import type { Message, ProjectSummary } from '@orchestrator/contracts';
import type { AgentLoadInfo, AgentLoadTracker, DelegationRecord, DelegationStore } from '../delegation/ports.js';
import type { NewMessage } from '../orchestrator/ports.js';
import type { CurrentPlan, ProjectStore } from '../projects/ports.js';
import type { AgentRegistry } from '../registry/registry.js';

/**
 * Recording implementations of the core's ports for unit tests of graphs and the facade. The
 * Postgres implementations are tested through the API against a real database.
 */
export function recordingMessages() {
  const stored: Message[] = [];
  return {
    stored,
    append: async (m: NewMessage): Promise<Message> => {
      const message: Message = {
        id: m.id ?? randomUUID(),
        seq: stored.length + 1,
        conversationId: m.conversationId,
        role: m.role,
        // No users here: a person goes by their id.
        author: m.authorUserId ? { id: m.authorUserId, name: m.authorUserId } : null,
        agentName: m.agentName ?? null,
        content: m.content,
        // Like the Postgres repository: a reply records the message it answers.
        metadata: { ...(m.metadata ?? {}), ...(m.replyTo ? { replyTo: m.replyTo } : {}) },
        createdAt: new Date().toISOString(),
      };
      stored.push(message);
      return message;
    },
  };
}

export function recordingProjects(): ProjectStore & { plans: Map<string, CurrentPlan[]> } {
  const plans = new Map<string, CurrentPlan[]>();
  const summary = (id: string, version: number, title: string): ProjectSummary => {
    const now = new Date().toISOString();
    return {
      id,
      title,
      status: 'awaiting_plan_approval',
      department: null,
      projectType: 'standard',
      conversationId: null,
      currentPlanVersion: version,
      estimatedDurationMinutes: null,
      approvedAt: null,
      createdAt: now,
      updatedAt: now,
    };
  };
  return {
    plans,
    createWithPlan: async (input) => {
      const id = randomUUID();
      const current: CurrentPlan = {
        projectId: id,
        version: 1,
        plan: input.plan,
        summary: summary(id, 1, input.plan.title),
      };
      plans.set(id, [current]);
      return current;
    },
    revisePlan: async (input) => {
      const versions = plans.get(input.projectId)!;
      if (versions.at(-1)!.version !== input.baseVersion) throw new Error('stale');
      const next: CurrentPlan = {
        projectId: input.projectId,
        version: input.baseVersion + 1,
        plan: input.plan,
        summary: summary(input.projectId, input.baseVersion + 1, input.plan.title),
      };
      versions.push(next);
      return next;
    },
    current: async (_ws, id) => plans.get(id)?.at(-1),
  };
}

export function recordingDelegations(): DelegationStore & { records: DelegationRecord[] } {
  const records: DelegationRecord[] = [];
  return { records, record: async (r) => (records.push(r), randomUUID()), attachMessage: async () => undefined };
}

/** Agent loads from the registry's limits (or `maxConcurrent` by agent); `full` agents refuse new work. */
export function memoryLoads(
  registry: AgentRegistry,
  full: string[] = [],
  maxConcurrent: Record<string, number> = {},
): AgentLoadTracker {
  const loads = new Map<string, AgentLoadInfo>(
    registry.agents.map((a) => {
      const max = maxConcurrent[a.definition.name] ?? a.definition.limits.maxConcurrent;
      return [
        a.definition.name,
        { load: full.includes(a.definition.name) ? max : 0, maxConcurrent: max, status: 'online' },
      ];
    }),
  );
  return {
    snapshot: async () => new Map([...loads].map(([k, v]) => [k, { ...v }])),
    acquire: async (_ws, agent) => {
      const info = loads.get(agent);
      if (!info || info.load >= info.maxConcurrent) return false;
      info.load++;
      return true;
    },
    release: async (_ws, agent) => {
      const info = loads.get(agent);
      if (info) info.load = Math.max(0, info.load - 1);
    },
  };
}
