import { Annotation } from '@langchain/langgraph';
import type {
  ImprovementEvidence,
  ImprovementProposal,
  ImprovementTriggerType,
} from '../../workforce/improvement/types.js';
import type { ImprovementEnd } from './deps.js';

/** What starts an improvement: the agent, the trigger and the evidence gathered by the host. */
export interface ImprovementRequest {
  agentName: string;
  triggerType: ImprovementTriggerType;
  feedback: string;
  evidence: ImprovementEvidence;
}

/** What the approval interrupt asks, and what a decision answers. */
export interface ImprovementInterrupt {
  kind: 'approval';
  improvementId: string;
  approvalId: string;
}
export interface ImprovementDecision {
  decision: 'approve' | 'reject';
  notes?: string | null;
  decidedBy?: string | null;
}

const last = <T>() => Annotation<T>({ reducer: (_a, b) => b, default: () => null as T });

/** One thread per improvement: the request, the proposal, the decision and how it ended. */
export const ImprovementState = Annotation.Root({
  request: last<ImprovementRequest | null>(),
  proposal: last<ImprovementProposal | null>(),
  approvalId: last<string | null>(),
  decision: last<ImprovementDecision | null>(),
  end: last<ImprovementEnd | null>(),
});

export type ImprovementStateType = typeof ImprovementState.State;
export type ImprovementUpdate = typeof ImprovementState.Update;
