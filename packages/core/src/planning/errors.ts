import type { PlanIssue, PlanIssueCode } from './types.js';

/**
 * Thrown by createPlan/refinePlan only when the plan they built is itself invalid — a planner
 * bug or a broken template — never for how a person worded a request. Detect it by `name`/`code`.
 */
export class PlanError extends Error {
  override readonly name = 'PlanError';
  readonly code: PlanIssueCode;
  readonly stepIds: string[];
  readonly issues: PlanIssue[];

  constructor(issues: PlanIssue[]) {
    const first = issues[0] ?? { code: 'plan/schema' as const, message: 'The plan is invalid.', stepIds: [] };
    super(
      issues.length > 1
        ? `${first.message} (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})`
        : first.message,
    );
    this.code = first.code;
    this.stepIds = first.stepIds;
    this.issues = issues;
  }
}

export const isPlanError = (err: unknown): err is PlanError =>
  err instanceof Error && err.name === 'PlanError' && typeof (err as { code?: unknown }).code === 'string';
