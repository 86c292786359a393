import {
  PutBudgetBodySchema,
  type Budget,
  type BudgetPeriod,
  type BudgetScope,
  type PutBudgetBody,
} from '@orchestrator/contracts';
import type { ApiIssue } from '../../api';

/** The dialog's fields as typed: limits stay text until sent, so "" can mean "no limit". */
export interface BudgetForm {
  scope: BudgetScope;
  scopeRef: string;
  period: BudgetPeriod;
  tokenSoftLimit: string;
  tokenHardLimit: string;
  costSoftLimitUsd: string;
  costHardLimitUsd: string;
  enabled: boolean;
}

export const LIMIT_FIELDS = ['tokenSoftLimit', 'tokenHardLimit', 'costSoftLimitUsd', 'costHardLimitUsd'] as const;
export type LimitField = (typeof LIMIT_FIELDS)[number];

/** Field name (or "" for the form as a whole) to the first problem with it. */
export type FieldErrors = Record<string, string>;

export function emptyForm(): BudgetForm {
  return {
    scope: 'agent',
    scopeRef: '',
    period: 'month',
    tokenSoftLimit: '',
    tokenHardLimit: '',
    costSoftLimitUsd: '',
    costHardLimitUsd: '',
    enabled: true,
  };
}

const text = (value: number | null) => (value === null ? '' : String(value));

export function formOf(budget: Budget): BudgetForm {
  return {
    scope: budget.scope,
    scopeRef: budget.scopeRef,
    period: budget.period,
    tokenSoftLimit: text(budget.tokenSoftLimit),
    tokenHardLimit: text(budget.tokenHardLimit),
    costSoftLimitUsd: text(budget.costSoftLimitUsd),
    costHardLimitUsd: text(budget.costHardLimitUsd),
    enabled: budget.enabled,
  };
}

const KNOWN = new Set<string>(['scope', 'scopeRef', 'period', 'enabled', ...LIMIT_FIELDS]);

/** First message per field; issues on unknown paths (or the root) belong to the whole form. */
export function errorsFrom(issues: readonly ApiIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = KNOWN.has(issue.path) ? issue.path : '';
    errors[key] ??= issue.message;
  }
  return errors;
}

/** Validates the form with the API's own schema, so the dialog rejects what the server would. */
export function toBody(form: BudgetForm): { ok: true; body: PutBudgetBody } | { ok: false; errors: FieldErrors } {
  const notNumbers: FieldErrors = {};
  const limits: Partial<Record<LimitField, number | null>> = {};
  for (const field of LIMIT_FIELDS) {
    const raw = form[field].trim().replace(/[,_\s]/g, '');
    const value = raw === '' ? null : Number(raw);
    if (value !== null && !Number.isFinite(value)) notNumbers[field] = 'Enter a number, or leave empty for no limit.';
    limits[field] = value;
  }
  if (Object.keys(notNumbers).length > 0) return { ok: false, errors: notNumbers };
  const parsed = PutBudgetBodySchema.safeParse({
    scope: form.scope,
    scopeRef: form.scopeRef,
    period: form.period,
    enabled: form.enabled,
    ...limits,
  });
  if (parsed.success) return { ok: true, body: parsed.data };
  return {
    ok: false,
    errors: errorsFrom(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))),
  };
}
