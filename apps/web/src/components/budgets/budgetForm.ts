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

const CHOOSE: Record<BudgetScope, string> = {
  agent: 'Choose an agent',
  project: 'Choose a project',
  department: 'Choose a department',
};
const MAX_USD = 1_000_000;
const NUMBER_OR_EMPTY = 'Enter a number, or leave it empty for no limit.';
const ABOVE_ZERO = 'Enter a number above 0, or leave it empty for no limit.';

/** What a person reads for a problem with a field the server (or the schema) found. */
function wordedFor(path: string, scope: BudgetScope): string {
  if (path === 'scopeRef') return `${CHOOSE[scope]} from the list.`;
  if (path === 'period') return 'Choose a period.';
  if (path === 'tokenSoftLimit' || path === 'costSoftLimitUsd') return 'Check this limit.';
  return ABOVE_ZERO;
}

/**
 * First problem per field; issues on unknown paths (or the root) belong to the whole form. Field
 * problems are put in words here: the schema's own text names JSON fields, not what is on screen.
 */
export function errorsFrom(issues: readonly ApiIssue[], scope: BudgetScope = 'agent'): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    if (KNOWN.has(issue.path)) errors[issue.path] ??= wordedFor(issue.path, scope);
    else errors[''] ??= issue.message;
  }
  return errors;
}

/** Checks the form field by field, in the words the dialog shows; empty when it can be sent. */
export function checkForm(form: BudgetForm): { errors: FieldErrors; limits: Record<LimitField, number | null> } {
  const errors: FieldErrors = {};
  const limits = {} as Record<LimitField, number | null>;
  if (form.scopeRef.trim() === '') errors['scopeRef'] = `${CHOOSE[form.scope]}.`;
  for (const field of LIMIT_FIELDS) {
    const raw = form[field].trim().replace(/[,_\s]/g, '');
    const value = raw === '' ? null : Number(raw);
    limits[field] = value;
    if (value === null) continue;
    const tokens = field === 'tokenSoftLimit' || field === 'tokenHardLimit';
    if (!Number.isFinite(value)) errors[field] = NUMBER_OR_EMPTY;
    else if (value <= 0) errors[field] = ABOVE_ZERO;
    else if (tokens && !Number.isInteger(value)) errors[field] = 'Enter a whole number of tokens.';
    else if (tokens && value > Number.MAX_SAFE_INTEGER) errors[field] = 'Enter a smaller number of tokens.';
    else if (!tokens && value > MAX_USD) errors[field] = 'Enter at most 1,000,000 USD.';
  }
  const { tokenSoftLimit, tokenHardLimit, costSoftLimitUsd, costHardLimitUsd } = limits;
  if (
    !errors['tokenSoftLimit'] &&
    tokenSoftLimit !== null &&
    tokenHardLimit !== null &&
    tokenSoftLimit > tokenHardLimit
  )
    errors['tokenSoftLimit'] = 'The soft limit warns before the hard one: make it no higher than the hard limit.';
  if (
    !errors['costSoftLimitUsd'] &&
    costSoftLimitUsd !== null &&
    costHardLimitUsd !== null &&
    costSoftLimitUsd > costHardLimitUsd
  )
    errors['costSoftLimitUsd'] = 'The soft limit warns before the hard one: make it no higher than the hard limit.';
  if (Object.values(limits).every((v) => v === null))
    errors[''] = 'Set at least one limit: a token or cost limit, soft or hard.';
  return { errors, limits };
}

/** Validates the form in words, then with the API's own schema, so the dialog rejects what the server would. */
export function toBody(form: BudgetForm): { ok: true; body: PutBudgetBody } | { ok: false; errors: FieldErrors } {
  const { errors, limits } = checkForm(form);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
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
    errors: errorsFrom(
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      form.scope,
    ),
  };
}
