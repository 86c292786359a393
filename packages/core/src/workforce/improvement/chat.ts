/** Feedback on an agent given in the chat (the conversation graph's `improvement` node). */
export interface ChatImprovementRequest {
  workspaceId: string;
  conversationId: string;
  userId: string | null;
  agentName: string;
  feedback: string;
}

export type ChatImprovementResult =
  /** A proposal waits for approval (in the Approvals queue or on the chat card). */
  | {
      kind: 'proposed';
      improvementId: string;
      approvalId: string;
      reason: string;
      diff: string;
      source: 'llm' | 'offline';
    }
  /** The agent already has an open proposal: one at a time, so this feedback was not turned into another. */
  | { kind: 'already_open'; improvementId: string; approvalId: string | null; reason: string }
  /** Nothing to approve: the feedback is already in Context.md, or the agent cannot be improved. */
  | { kind: 'ended'; improvementId: string; reason: string };

/** Port: the host's improvement workflow (the API runs the agent-improvement graph behind it). */
export interface ChatImprovements {
  propose(request: ChatImprovementRequest): Promise<ChatImprovementResult>;
}
