import type {
  ApprovalPreview,
  AutonomyLevel,
  BudgetPeriod,
  BudgetScope,
  CircuitState,
  ErrorCategory,
  ErrorSeverity,
  Plan,
  ProjectStatus,
  RiskLevel,
  StepStatus,
} from '@orchestrator/contracts';
import type { ExecStep, StepState } from './flatten.js';
import type { ResultText } from '../functions/result-text.js';

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
  /**
   * Inside a graph node whose checkpointer has an outbox: commits a bookkeeping write in the
   * same transaction that saves the node's result, so a step's rows, audit entry and checkpoint
   * land together (or not at all) and cost no commit of their own. The promise settles after
   * that commit (or rejects when the node's work was not saved); never await it in the node.
   */
  commit?: StepCommit;
}

/** The write gets the database transaction (the store knows its driver's type). */
export interface StepCommit {
  withStep(write: (tx: unknown) => Promise<void>): Promise<void>;
  /**
   * The same for a write the checkpointer can fuse into its own statement (for Postgres: SQL
   * built as CTEs, see the saver's OutboxStatement): no transaction round trips at all.
   * Resolves with the rows the write returns.
   */
  withStatement(statement: unknown): Promise<unknown[]>;
}

/** Who must approve what: the slice of the run the approval gate reads for every step. */
export type RunPolicy = Pick<LoadedRun, 'autonomy' | 'defaultAutonomy'>;

export interface LoadedRun {
  plan: Plan;
  planVersion: number;
  status: ProjectStatus;
  /** Autonomy of a department (the project's override first). */
  autonomy: Record<string, AutonomyLevel>;
  defaultAutonomy: AutonomyLevel;
}

export interface StepResultInput {
  /** Up to 100 MB: stores stream it to blob storage and keep a reference (docs/performance.md). */
  content: ResultText;
  contentType: 'text/markdown' | 'application/json';
  agent: string;
  work: 'function' | 'context_llm' | 'offline_draft' | 'human';
  /** Set when a person approved the step before it ran (audit mode `approved`). */
  approvalId: string | null;
  /** The agent's Context.md version that produced the result (null for people and agents loaded without a database). */
  contextVersion: number | null;
}

/** Port: project execution persistence (the API implements it over Postgres + blob storage). */
export interface ExecutionStore {
  /**
   * A run of the project starts in this process (the runner holds the project until `endRun`):
   * the store may read what the steps need once and keep it current with the run's own writes.
   */
  beginRun?(ctx: RunContext): void;
  endRun?(ctx: RunContext): void;
  loadRun(ctx: RunContext): Promise<LoadedRun>;
  /** Autonomy only, without the plan: one small read per step. */
  loadPolicy(ctx: RunContext): Promise<RunPolicy>;
  /** Creates the step rows once (idempotent). */
  initSteps(ctx: RunContext, steps: ExecStep[]): Promise<void>;
  setStepStatus(
    ctx: RunContext,
    stepKey: string,
    status: StepStatus,
    extra?: { attempt?: number; agent?: string | null },
  ): Promise<void>;
  /** The stored outcome of a step that already finished (a resumed run must not redo it). */
  finishedOutcome(ctx: RunContext, stepKey: string): Promise<StepOutcome | undefined>;
  /**
   * Stores a result exactly once per idempotency key (large ones in blob storage), marks the
   * step completed and audits the action. A repeated call returns the first outcome.
   */
  saveResult(ctx: RunContext, stepKey: string, result: StepResultInput, idempotencyKey: string): Promise<StepOutcome>;
  recordError(
    ctx: RunContext,
    stepKey: string,
    error: { category: ErrorCategory; severity: ErrorSeverity; message: string; attempt: number },
  ): Promise<string>;
  /**
   * Results of finished steps, for agents that build on them (report compiler); a result in blob
   * storage is read from there, when a step that uses it runs.
   */
  priorResults(
    ctx: RunContext,
    stepKeys: string[],
  ): Promise<Array<{ title: string; markdown?: string; data?: unknown }>>;
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
  /**
   * `preApproved`: approved as it was raised, by a standing approval a person gave for the
   * project's remaining steps; the step goes on without an interrupt (and so does a replay of it).
   */
  request(input: ApprovalRequest): Promise<{ id: string; preApproved?: boolean }>;
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

/** A budget that applies to an agent run, with the usage of its current period (docs/operations.md#budgets). */
export interface BudgetUsage {
  id: string;
  scope: BudgetScope;
  scopeRef: string;
  period: BudgetPeriod;
  tokenSoftLimit: number | null;
  tokenHardLimit: number | null;
  costSoftLimitUsd: number | null;
  costHardLimitUsd: number | null;
  tokensUsed: number;
  costUsedUsd: number;
}

/** Who is about to run: the budgets of this agent, its department and the project apply. */
export interface GuardTarget {
  agent: string;
  department: string | null;
  stepKey: string;
}

/** Per-run limits (env defaults, a project's own override) and how far the run has got. */
export interface RunLimits {
  maxSteps: number;
  /** How many times a person may send one step round again (retry/reassign) before it stops. */
  maxLoops: number;
  /** Steps of the project that started running, other than the one being checked. */
  stepsStarted: number;
}

/** One agent's circuit breaker, persisted so that it survives a restart. */
export interface CircuitRecord {
  state: CircuitState;
  consecutiveFailures: number;
  lastFailureAt: Date | null;
  openedAt: Date | null;
}

export interface CircuitPolicy {
  /** Consecutive failures (each within `windowMs` of the previous) that open the circuit. */
  failureThreshold: number;
  windowMs: number;
  /** How long an open circuit skips the agent before one trial run (half-open). */
  coolDownMs: number;
}

/** Port: budgets, run limits and circuit breakers (the API implements it over Postgres). */
export interface ExecutionGuardStore {
  budgetsFor(ctx: RunContext, target: GuardTarget): Promise<BudgetUsage[]>;
  /** Records a soft warning once per budget and period; false when this period was already warned. */
  warnBudget(ctx: RunContext, budget: BudgetUsage, stepKey: string, message: string): Promise<boolean>;
  /** Notes that a hard limit stopped work (shown on the budget until it is raised). */
  markHardStop(ctx: RunContext, budget: BudgetUsage): Promise<void>;
  runLimits(ctx: RunContext, stepKey: string): Promise<RunLimits>;
  circuit(ctx: RunContext, agent: string): Promise<CircuitRecord | null>;
  /** Applies `next` to the agent's circuit with the row locked, so parallel steps do not lose counts. */
  updateCircuit(
    ctx: RunContext,
    agent: string,
    next: (current: CircuitRecord) => CircuitRecord,
    lastError: string | null,
  ): Promise<CircuitRecord>;
}

/** What the execution graph needs for budgets, run limits and circuit breakers; without it nothing is limited. */
export interface ExecutionGuard {
  store: ExecutionGuardStore;
  circuit: CircuitPolicy;
  now: () => Date;
}
