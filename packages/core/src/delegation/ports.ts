import type { CandidateScore } from '@orchestrator/contracts';

export interface AgentLoadInfo {
  load: number;
  maxConcurrent: number;
  status: 'online' | 'busy' | 'offline' | 'being_created' | 'being_improved' | 'retired';
}

/** Port: live agent load (agent_availability). `acquire` is atomic: false when the agent is full. */
export interface AgentLoadTracker {
  snapshot(workspaceId: string): Promise<Map<string, AgentLoadInfo>>;
  acquire(workspaceId: string, agent: string): Promise<boolean>;
  release(workspaceId: string, agent: string): Promise<void>;
}

export interface DelegationRecord {
  workspaceId: string;
  conversationId: string;
  task: string;
  agent: string;
  candidates: CandidateScore[];
  reason: string;
  fallbackFrom: string | null;
  outcome: 'succeeded' | 'failed' | 'fell_back';
  durationMs: number;
  /** The agent's Context.md version the task ran with (null when the registry has no versions). */
  contextVersion: number | null;
}

/** Port: delegation_history. */
export interface DelegationStore {
  record(record: DelegationRecord): Promise<string>;
  attachMessage(workspaceId: string, delegationId: string, messageId: string): Promise<void>;
}
