import type { ApprovalPreview, AutonomyLevel, ErrorCategory, ErrorSeverity, Plan, ProjectStatus, RiskLevel, StepStatus } from '@orchestrator/contracts';
import type { ExecStep, StepState } from './flatten.js';

/** What the graph keeps per finished step: a reference and a preview, never the full result. */
export interface StepOutcome {
  status: StepState;
  agent: string | null;
  resultRef: string | null;
  preview: string | null;
  reason?: string;
}

export interface RunContext {
  workspaceId: string;
  projectId: string;
}

export interface LoadedRun {
  plan: Plan;
  planVersion: number;
  status: ProjectStatus;
  /** Autonomy of a department (the project's override first). */
  autonomy: Record<string, AutonomyLevel>;
  defaultAutonomy: AutonomyLevel;
}

export interface StepResultInput {
  content: string;
  contentType: 'text/markdown' | 'application/json';
  agent: string;
  work: 'function' | 'context_llm' | 'offline_draft' | 'human';
  /** Set when a person approved the step before it ran (audit mode `approved`). */
  approvalId: string | null;
}

/** Port: project execution persistence (the API implements it over Postgres + blob storage). */
export interface ExecutionStore {
  loadRun(ctx: RunContext): Promise<LoadedRun>;
  /** Creates the step rows once (idempotent). */
  initSteps(ctx: RunContext, steps: ExecStep[]): Promise<void>;
  setStepStatus(ctx: RunContext, stepKey: string, status: StepStatus, extra?: { attempt?: number; agent?: string | null }): Promise<void>;
  /** The stored outcome of a step that already finished (a resumed run must not redo it). */
  finishedOutcome(ctx: RunContext, stepKey: string): Promise<StepOutcome | undefined>;
  /**
   * Stores a result exactly once per idempotency key (large ones in blob storage), marks the
   * step completed and audits the action. A repeated call returns the first outcome.
   */
  saveResult(ctx: RunContext, stepKey: string, result: StepResultInput, idempotencyKey: string): Promise<StepOutcome>;
  recordError(ctx: RunContext, stepKey: string, error: { category: ErrorCategory; severity: ErrorSeverity; message: string; attempt: number }): Promise<string>;
  /** Results of finished steps, for agents that build on them (report compiler). */
  priorResults(ctx: RunContext, stepKeys: string[]): Promise<Array<{ title: string; markdown?: string; data?: unknown }>>;
}

export interface ApprovalRequest extends RunContext {
  threadId: string;
  /** Stable per gate (step, plan version, retry round): replaying the node finds the same approval, decided or not. */
  gateKey: string;
  stepKey: string;
  stepName: string;
  agent: string | null;
  department: string | null;
  action: string;
  riskLevel: RiskLevel;
  preview: ApprovalPreview;
}

/** Port: creates the approval row that goes with an interrupt (idempotent per pending step). */
export interface ApprovalRequester {
  request(input: ApprovalRequest): Promise<{ id: string }>;
}

/** What an interrupt of the project graph asks a person for. */
export type ExecutionInterrupt =
  | { kind: 'approval'; approvalId: string; stepKey: string }
  | { kind: 'error'; errorId: string; stepKey: string; category: ErrorCategory; message: string }
  | { kind: 'agent_development'; errorId: string; stepKey: string; capability: string | null };

/** What a person answers: an approval decision, or a recovery action for a failed step. */
export type ExecutionResume =
  | { kind: 'decision'; decision: 'approve' | 'reject'; notes?: string; decidedBy?: string }
  | { kind: 'recovery'; action: 'retry' | 'skip' | 'reassign' | 'abort'; agent?: string };
