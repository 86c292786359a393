import type {
  Approval,
  ApprovalDetail,
  ApprovalStatus,
  ApproveRemainingResult,
  Decision,
  RiskLevel,
  StandingRisk,
} from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, ApiError, toApiError } from '../api';
import { approvalsApi } from '../api/approvals';
import type { LoadState } from './conversations';
import { createInflight } from './inflight';
import { createPagedList } from './pagedList';

export const APPROVAL_PAGE_SIZE = 50;
/** The badge counts what one request can hold; beyond that it says "200+". */
export const PENDING_COUNT_LIMIT = 200;

export interface ApprovalFilters {
  status: ApprovalStatus | null;
  riskLevel: RiskLevel | null;
  department: string | null;
  projectId: string | null;
}

export const DEFAULT_APPROVAL_FILTERS: ApprovalFilters = {
  status: 'pending',
  riskLevel: null,
  department: null,
  projectId: null,
};

export type DecideOutcome = 'decided' | 'conflict' | 'error';

export interface BulkOutcome {
  decided: string[];
  failed: { id: string; code: string; message: string }[];
  /** Set when the whole request failed (nothing was decided). */
  error: ApiError | null;
}

/** Decided elsewhere or too late: the approval's real state is worth fetching. */
const CONFLICTS = ['approval/already_decided', 'approval/expired'];

function matches(approval: Approval, filters: ApprovalFilters): boolean {
  return (
    (filters.status === null || approval.status === filters.status) &&
    (filters.riskLevel === null || approval.riskLevel === filters.riskLevel) &&
    (filters.department === null || approval.department === filters.department) &&
    (filters.projectId === null || approval.projectId === filters.projectId)
  );
}

const sameFilters = (a: ApprovalFilters, b: ApprovalFilters) =>
  a.status === b.status && a.riskLevel === b.riskLevel && a.department === b.department && a.projectId === b.projectId;

const newestFirst = (a: Approval, b: Approval) =>
  Date.parse(b.requestedAt) - Date.parse(a.requestedAt) || a.id.localeCompare(b.id);

export const useApprovalsStore = defineStore('approvals', () => {
  const byId = ref<Record<string, Approval>>({});

  // ---- the queue (filtered, paginated) -------------------------------------------------------
  const queue = createPagedList<Approval, ApprovalFilters>({
    initial: { ...DEFAULT_APPROVAL_FILTERS },
    same: sameFilters,
    fetch: async (f, cursor) => {
      const page = await api.listApprovals({ ...f, limit: APPROVAL_PAGE_SIZE, cursor });
      return { items: page.approvals, nextCursor: page.nextCursor };
    },
    upsert: (a) => void upsert(a),
    idOf: (a) => a.id,
  });
  const { filter: filters, order, nextCursor, hasMore, listState, listError, loadingMore, loadMore } = queue;

  // ---- the badge: every pending approval -----------------------------------------------------
  const pendingState = ref<LoadState>('idle');
  /** More pending approvals exist than the count request holds. */
  const pendingOverflow = ref(false);

  // ---- decisions -----------------------------------------------------------------------------
  const deciding = ref<Record<string, Decision | null>>({});
  const decideErrors = ref<Record<string, ApiError | null>>({});
  const bulkDeciding = ref(false);

  // ---- what a person needs to decide one (inputs, who asked, what comes next) ----------------
  const details = ref<Record<string, ApprovalDetail>>({});
  const detailErrors = ref<Record<string, ApiError | null>>({});
  /** The project whose remaining steps are being approved, while the request is out. */
  const approvingRemaining = ref<string | null>(null);

  const { once } = createInflight();

  /** The loaded queue as filtered now: a decision elsewhere takes a row out of "pending" at once. */
  const list = computed(() =>
    order.value
      .map((id) => byId.value[id])
      .filter((a): a is Approval => a !== undefined && matches(a, filters.value))
      .sort(newestFirst),
  );
  const pending = computed(() =>
    Object.values(byId.value)
      .filter((a) => a.status === 'pending')
      .sort(newestFirst),
  );
  const pendingCount = computed(() => pending.value.length);

  /** Stores an approval; a decided one never goes back to pending (events can arrive late). */
  function upsert(approval: Approval): boolean {
    const known = byId.value[approval.id];
    if (known && known.status !== 'pending' && approval.status === 'pending') return false;
    byId.value[approval.id] = approval;
    return true;
  }

  function load(options: { filters?: Partial<ApprovalFilters>; force?: boolean } = {}): Promise<void> {
    return queue.load({ ...filters.value, ...options.filters }, options.force);
  }

  /** Loads every pending approval (up to the limit) so the badge and inbox can count them. */
  function loadPending(options: { force?: boolean } = {}): Promise<void> {
    if (pendingState.value === 'ready' && !options.force) return Promise.resolve();
    return once('pending', async () => {
      if (pendingState.value !== 'ready') pendingState.value = 'loading';
      if (!options.force && (await queueHoldsAllPending())) {
        pendingOverflow.value = false;
        pendingState.value = 'ready';
        return;
      }
      try {
        const page = await api.listApprovals({ status: 'pending', limit: PENDING_COUNT_LIMIT });
        const fresh = new Set(page.approvals.map((a) => a.id));
        // A pending approval the server no longer lists was decided while we were not looking.
        const missing = Object.values(byId.value).filter((a) => a.status === 'pending' && !fresh.has(a.id));
        for (const approval of page.approvals) upsert(approval);
        pendingOverflow.value = page.nextCursor !== null;
        pendingState.value = 'ready';
        if (!pendingOverflow.value) await Promise.all(missing.map((a) => refetch(a.id)));
      } catch {
        // The badge is a hint: without it the queue still loads and says what went wrong.
        if (pendingState.value !== 'ready') pendingState.value = 'error';
      }
    });
  }

  /**
   * Whether the queue, loading or loaded, lists every pending approval (the default filter and no
   * further page): then the badge counts those instead of asking the server again.
   */
  async function queueHoldsAllPending(): Promise<boolean> {
    const pendingOnly = () => sameFilters(filters.value, DEFAULT_APPROVAL_FILTERS);
    if (!pendingOnly() || (listState.value !== 'loading' && listState.value !== 'ready')) return false;
    await queue.load(filters.value);
    return pendingOnly() && listState.value === 'ready' && nextCursor.value === null;
  }

  async function refetch(id: string): Promise<void> {
    try {
      upsert(await api.getApproval(id));
    } catch (cause) {
      const error = toApiError(cause);
      // Gone: nothing left to decide.
      if (error.status === 404) delete byId.value[id];
    }
  }

  /** One approval by id (a link to it), unless it is already known. */
  function loadOne(id: string): Promise<void> {
    if (byId.value[id]) return Promise.resolve();
    return once(`one:${id}`, () => refetch(id));
  }

  /** A new approval may belong at the top of the loaded queue. */
  function place(approval: Approval): void {
    if (listState.value !== 'ready' || order.value.includes(approval.id) || !matches(approval, filters.value)) return;
    const oldest = list.value[list.value.length - 1];
    // Older than everything loaded while more pages exist: it belongs to a page not fetched yet.
    if (nextCursor.value !== null && oldest && Date.parse(approval.requestedAt) < Date.parse(oldest.requestedAt))
      return;
    order.value = [approval.id, ...order.value];
  }

  /** `approval.requested` from the socket. */
  function applyRequested(approval: Approval): void {
    if (upsert(approval)) place(approval);
  }

  /** `approval.decided` from the socket: someone (maybe this person, elsewhere) decided it. */
  function applyDecided(approval: Approval): void {
    if (upsert(approval)) place(approval);
  }

  async function decide(id: string, decision: Decision, notes?: string): Promise<DecideOutcome> {
    if (deciding.value[id]) return 'error';
    deciding.value[id] = decision;
    decideErrors.value[id] = null;
    try {
      upsert(await api.decideApproval(id, decision, notes?.trim() || undefined));
      return 'decided';
    } catch (cause) {
      const error = toApiError(cause);
      decideErrors.value[id] = error;
      if (CONFLICTS.includes(error.code)) {
        await refetch(id);
        return 'conflict';
      }
      return 'error';
    } finally {
      deciding.value[id] = null;
    }
  }

  /** Decides many at once; each id succeeds or fails on its own. */
  async function bulkDecide(ids: string[], decision: Decision, notes?: string): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { decided: [], failed: [], error: null };
    if (ids.length === 0 || bulkDeciding.value) return outcome;
    bulkDeciding.value = true;
    for (const id of ids) decideErrors.value[id] = null;
    try {
      const { results } = await api.bulkDecide(ids, decision, notes?.trim() || undefined);
      const conflicts: string[] = [];
      for (const result of results) {
        if (result.ok) {
          if (result.approval) upsert(result.approval);
          outcome.decided.push(result.id);
          continue;
        }
        const code = result.error?.code ?? 'approval/not_decided';
        const message = result.error?.message ?? 'This approval could not be decided.';
        outcome.failed.push({ id: result.id, code, message });
        decideErrors.value[result.id] = new ApiError({ code, message, status: 409 });
        if (CONFLICTS.includes(code)) conflicts.push(result.id);
      }
      // An ok without the approval in it: fetch what it became.
      const unknown = outcome.decided.filter((id) => byId.value[id]?.status === 'pending');
      await Promise.all([...conflicts, ...unknown].map(refetch));
    } catch (cause) {
      outcome.error = toApiError(cause);
    } finally {
      bulkDeciding.value = false;
    }
    return outcome;
  }

  /** The detail of one approval; fetched again after a decision changes what comes next. */
  function loadDetail(id: string, options: { force?: boolean } = {}): Promise<void> {
    if (details.value[id] && !options.force) return Promise.resolve();
    return once(`detail:${id}`, async () => {
      detailErrors.value[id] = null;
      try {
        const detail = await approvalsApi.getDetail(id);
        details.value[id] = detail;
        upsert(detail);
      } catch (cause) {
        detailErrors.value[id] = toApiError(cause);
      }
    });
  }

  /**
   * "Approve the remaining steps of this project at this risk or below": what waits is approved
   * now, later steps when the run reaches them. The details shown for the project are refreshed.
   */
  async function approveRemaining(
    projectId: string,
    maxRisk: StandingRisk,
    notes?: string,
  ): Promise<ApproveRemainingResult | ApiError> {
    if (approvingRemaining.value)
      return new ApiError({ code: 'request/in_progress', message: 'Already sent.', status: 0 });
    approvingRemaining.value = projectId;
    try {
      const result = await approvalsApi.approveRemaining(projectId, maxRisk, notes?.trim() || undefined);
      for (const approval of result.approved) upsert(approval);
      for (const detail of Object.values(details.value))
        if (detail.projectId === projectId)
          details.value[detail.id] = { ...detail, standing: result.standing, upcoming: result.upcoming };
      return result;
    } catch (cause) {
      return toApiError(cause);
    } finally {
      approvingRemaining.value = null;
    }
  }

  function dismissError(id: string): void {
    decideErrors.value[id] = null;
  }

  /** After a reconnect: approvals requested or decided meanwhile were not heard. */
  function resync(): void {
    if (pendingState.value !== 'idle') void loadPending({ force: true });
    if (listState.value === 'ready' || listState.value === 'error') void load({ force: true });
  }

  return {
    byId,
    filters,
    order,
    list,
    nextCursor,
    hasMore,
    listState,
    listError,
    loadingMore,
    pending,
    pendingCount,
    pendingState,
    pendingOverflow,
    deciding,
    decideErrors,
    bulkDeciding,
    details,
    detailErrors,
    approvingRemaining,
    upsert,
    loadDetail,
    approveRemaining,
    load,
    loadMore,
    loadPending,
    loadOne,
    applyRequested,
    applyDecided,
    decide,
    bulkDecide,
    dismissError,
    resync,
  };
});
