import {
  AgentCircuitListSchema,
  AgentCircuitSchema,
  BudgetListSchema,
  BudgetSchema,
  UsageCallListSchema,
  UsageReportSchema,
  type AgentCircuit,
  type Budget,
  type ProjectSummary,
  type PutBudgetBody,
  type UsageCallList,
  type UsageGroup,
  type UsageReport,
} from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { z } from 'zod';
import { api, toApiError, type ApiError } from '../api';
import type { LoadState } from './conversations';
import { createHeadStart } from './inflight';

/** The roll-ups the page offers (`step` needs a project, so it is left to the project's own view). */
export type UsageView = Exclude<UsageGroup, 'step'>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

const sameKey = (a: Budget, b: Budget) => a.scope === b.scope && a.scopeRef === b.scopeRef && a.period === b.period;
const byScope = (a: Budget, b: Budget) =>
  a.scope.localeCompare(b.scope) || a.scopeRef.localeCompare(b.scopeRef) || a.period.localeCompare(b.period);

/** Budgets, circuit breakers and usage roll-ups (docs/operations.md#budgets); no live events, so the page refreshes. */
export const useBudgetsStore = defineStore('budgets', () => {
  const budgets = ref<Budget[]>([]);
  const budgetsState = ref<LoadState>('idle');
  const budgetsError = ref<ApiError | null>(null);

  const circuits = ref<AgentCircuit[]>([]);
  const circuitsState = ref<LoadState>('idle');
  const circuitsError = ref<ApiError | null>(null);

  const usageGroup = ref<UsageView>('agent');
  const usage = ref<UsageReport | null>(null);
  const usageState = ref<LoadState>('idle');
  const usageError = ref<ApiError | null>(null);

  /** Runs `fetch` into one section; a failure leaves the section's last good data in place. */
  async function into<T>(
    state: { value: LoadState },
    error: { value: ApiError | null },
    fetch: () => Promise<T>,
    apply: (v: T) => void,
  ) {
    state.value = 'loading';
    error.value = null;
    try {
      apply(await fetch());
      state.value = 'ready';
    } catch (cause) {
      error.value = toApiError(cause);
      state.value = 'error';
    }
  }

  const loadBudgets = () =>
    into(
      budgetsState,
      budgetsError,
      () => api.request('GET', '/api/budgets', BudgetListSchema),
      (list) => {
        budgets.value = [...list.budgets].sort(byScope);
      },
    );

  const loadCircuits = () =>
    into(
      circuitsState,
      circuitsError,
      () => api.request('GET', '/api/budgets/circuits', AgentCircuitListSchema),
      (list) => {
        circuits.value = list.circuits;
      },
    );

  async function loadUsage(group: UsageView = usageGroup.value): Promise<void> {
    usageGroup.value = group;
    await into(
      usageState,
      usageError,
      () => api.request('GET', `/api/budgets/usage?groupBy=${group}`, UsageReportSchema),
      (report) => {
        // A slower answer for a group no longer selected is dropped.
        if (report.groupBy === usageGroup.value) usage.value = report;
      },
    );
  }

  /** The newest LLM calls behind one usage row (`key` null: the row of calls without one). */
  async function loadUsageCalls(group: UsageView, key: string | null): Promise<Outcome<UsageCallList>> {
    const query = new URLSearchParams({ groupBy: group, limit: '50' });
    if (key !== null) query.set('key', key);
    try {
      const list = await api.request('GET', `/api/budgets/usage/calls?${query}`, UsageCallListSchema);
      return { ok: true, value: list };
    } catch (cause) {
      return { ok: false, error: toApiError(cause) };
    }
  }

  /** Projects a budget can be set on (the newest 100), for the scope picker and for reading project ids. */
  const projects = ref<ProjectSummary[]>([]);
  const projectsState = ref<LoadState>('idle');
  const projectsError = ref<ApiError | null>(null);
  const loadProjects = () =>
    into(
      projectsState,
      projectsError,
      () => api.listProjects({ limit: 100 }),
      (page) => {
        projects.value = page.projects;
      },
    );

  const head = createHeadStart();

  function loadAll(): Promise<void> {
    return head.take('all') ?? fetchAll();
  }

  async function fetchAll(): Promise<void> {
    await Promise.all([loadBudgets(), loadCircuits(), loadUsage()]);
  }

  /** Before the budgets page has loaded (router prefetch); nothing if already known. */
  function prefetch(): void {
    if (budgetsState.value === 'idle') void head.start('all', fetchAll);
  }

  /** Creates or replaces the budget of that scope, reference and period. */
  async function put(body: PutBudgetBody): Promise<Outcome<Budget>> {
    try {
      const saved = await api.request('PUT', '/api/budgets', BudgetSchema, body);
      budgets.value = [...budgets.value.filter((b) => b.id !== saved.id && !sameKey(b, saved)), saved].sort(byScope);
      return { ok: true, value: saved };
    } catch (cause) {
      return { ok: false, error: toApiError(cause) };
    }
  }

  async function remove(id: string): Promise<Outcome<null>> {
    try {
      await api.request('DELETE', `/api/budgets/${encodeURIComponent(id)}`, z.unknown());
      budgets.value = budgets.value.filter((b) => b.id !== id);
      return { ok: true, value: null };
    } catch (cause) {
      const error = toApiError(cause);
      // Already gone elsewhere: the row should go too.
      if (error.status === 404) budgets.value = budgets.value.filter((b) => b.id !== id);
      return { ok: false, error };
    }
  }

  async function resetCircuit(agentName: string): Promise<Outcome<AgentCircuit>> {
    try {
      const circuit = await api.request(
        'POST',
        `/api/budgets/circuits/${encodeURIComponent(agentName)}/reset`,
        AgentCircuitSchema,
        {},
      );
      circuits.value = circuits.value.map((c) => (c.agentName === circuit.agentName ? circuit : c));
      return { ok: true, value: circuit };
    } catch (cause) {
      return { ok: false, error: toApiError(cause) };
    }
  }

  return {
    loadUsageCalls,
    projects,
    projectsState,
    projectsError,
    loadProjects,
    prefetch,
    budgets,
    budgetsState,
    budgetsError,
    circuits,
    circuitsState,
    circuitsError,
    usageGroup,
    usage,
    usageState,
    usageError,
    loadBudgets,
    loadCircuits,
    loadUsage,
    loadAll,
    put,
    remove,
    resetCircuit,
  };
});
