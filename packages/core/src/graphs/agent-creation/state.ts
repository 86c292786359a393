import { Annotation } from '@langchain/langgraph';
import type { AgentDraft, AgentValidation } from '@orchestrator/contracts';
import type { AgentSpec } from '../../workforce/building/types.js';
import type { AgentCreationResume } from './deps.js';

const last = <T>(initial: T) => Annotation<T>({ reducer: (_a, b) => b, default: () => initial });

/** One thread per build (`agent-build:<id>`): small, so every checkpoint is cheap. */
export const AgentCreationState = Annotation.Root({
  spec: Annotation<AgentSpec>(),
  draft: last<AgentDraft | null>(null),
  draftSource: last<'llm' | 'template' | null>(null),
  notes: last<string[]>([]),
  validation: last<AgentValidation | null>(null),
  approvalId: last<string | null>(null),
  decision: last<AgentCreationResume | null>(null),
  outcome: last<'deployed' | 'rejected' | 'failed' | null>(null),
  agentName: last<string | null>(null),
});

export type AgentCreationStateType = typeof AgentCreationState.State;
export type AgentCreationUpdate = typeof AgentCreationState.Update;
