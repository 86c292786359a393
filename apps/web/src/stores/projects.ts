import type { PlanVersion, ProjectDetail, ProjectStatus, ProjectSummary } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, toApiError, type ApiError } from '../api';
import type { LoadState } from './conversations';
import { createInflight } from './inflight';
import { createPagedList } from './pagedList';
import { createProjectRun } from './projectRun';

export { REFRESH_DELAY_MS, stepRef } from './projectRun';

export const PROJECT_PAGE_SIZE = 30;

export type ApproveOutcome = 'approved' | 'stale' | 'invalid' | 'error';

/** Approval state is per project *and* version: a card approves exactly the version it shows. */
export const approvalKey = (projectId: string, version: number): string => `${projectId}@${version}`;

function summaryOf(detail: ProjectDetail): ProjectSummary {
  const { plan: _plan, diff: _diff, ...summary } = detail;
  return summary;
}

export const useProjectsStore = defineStore('projects', () => {
  // ---- normalised entities -----------------------------------------------------------------
  const summaries = ref<Record<string, ProjectSummary>>({});
  const details = ref<Record<string, ProjectDetail>>({});
  const detailState = ref<Record<string, LoadState>>({});
  const detailErrors = ref<Record<string, ApiError | null>>({});
  /** Plan versions per project, newest first. */
  const versions = ref<Record<string, PlanVersion[]>>({});
  const versionState = ref<Record<string, LoadState>>({});
  const versionErrors = ref<Record<string, ApiError | null>>({});

  // ---- the dashboard list ----------------------------------------------------------------
  const projectList = createPagedList<ProjectSummary, ProjectStatus | null>({
    initial: null,
    same: (a, b) => a === b,
    fetch: async (status, cursor) => {
      const page = await api.listProjects({ status, limit: PROJECT_PAGE_SIZE, cursor });
      return { items: page.projects, nextCursor: page.nextCursor };
    },
    upsert: (p) => void upsertSummary(p),
    idOf: (p) => p.id,
  });
  const { filter, order, nextCursor, hasMore, listState, listError, loadingMore, loadMore } = projectList;

  const approving = ref<Record<string, boolean>>({});
  const approveErrors = ref<Record<string, ApiError>>({});

  const inflight = createInflight();
  const { once, fresh } = inflight;
  // Steps, errors, checkpoints and controls of running projects.
  const run = createProjectRun({ inflight, setDetail, loadDetail });

  const list = computed(() =>
    order.value
      .map((id) => summaries.value[id])
      .filter((p): p is ProjectSummary => p !== undefined && (filter.value === null || p.status === filter.value)),
  );

  /** Stores a summary unless a newer one is already known (events can arrive out of order). */
  function upsertSummary(summary: ProjectSummary): boolean {
    const known = summaries.value[summary.id];
    if (known && Date.parse(known.updatedAt) > Date.parse(summary.updatedAt)) return false;
    summaries.value[summary.id] = summary;
    if (known && known.status !== summary.status) run.onStatusChanged(summary.id, summary.status);
    const detail = details.value[summary.id];
    if (detail) details.value[summary.id] = { ...detail, ...summary };
    return true;
  }

  function setDetail(detail: ProjectDetail): void {
    const known = summaries.value[detail.id];
    if (known && known.status !== detail.status) run.onStatusChanged(detail.id, detail.status);
    details.value[detail.id] = detail;
    summaries.value[detail.id] = summaryOf(detail);
    detailState.value[detail.id] = 'ready';
    detailErrors.value[detail.id] = null;
  }

  // ---- list -------------------------------------------------------------------------------
  function loadList(options: { status?: ProjectStatus | null; force?: boolean } = {}): Promise<void> {
    return projectList.load(options.status === undefined ? filter.value : options.status, options.force);
  }

  /** A project the list has not seen: placed by creation time, if it falls in the loaded range. */
  function placeInList(summary: ProjectSummary): void {
    if (listState.value !== 'ready' || order.value.includes(summary.id)) return;
    const loaded = order.value.map((id) => summaries.value[id]).filter((p): p is ProjectSummary => p !== undefined);
    const created = Date.parse(summary.createdAt);
    const oldest = loaded[loaded.length - 1];
    // Older than everything loaded while more pages exist: it belongs to a page not fetched yet.
    if (nextCursor.value !== null && oldest && created < Date.parse(oldest.createdAt)) return;
    const at = loaded.findIndex((p) => Date.parse(p.createdAt) < created);
    const next = [...order.value];
    next.splice(at === -1 ? next.length : at, 0, summary.id);
    order.value = next;
  }

  // ---- one project ------------------------------------------------------------------------
  function loadDetail(id: string, options: { force?: boolean } = {}): Promise<void> {
    if (details.value[id] && !options.force) return Promise.resolve();
    const run = async () => {
      if (!details.value[id]) detailState.value[id] = 'loading';
      detailErrors.value[id] = null;
      try {
        setDetail(await api.getProject(id));
      } catch (error) {
        detailErrors.value[id] = toApiError(error);
        if (!details.value[id]) detailState.value[id] = 'error';
      }
    };
    return options.force ? fresh(`detail:${id}`, run) : once(`detail:${id}`, run);
  }

  function loadVersions(id: string, options: { force?: boolean } = {}): Promise<void> {
    if (versions.value[id] && !options.force) return Promise.resolve();
    const run = async () => {
      if (!versions.value[id]) versionState.value[id] = 'loading';
      versionErrors.value[id] = null;
      try {
        const page = await api.listPlanVersions(id);
        versions.value[id] = [...page.versions].sort((a, b) => b.version - a.version);
        versionState.value[id] = 'ready';
      } catch (error) {
        versionErrors.value[id] = toApiError(error);
        if (!versions.value[id]) versionState.value[id] = 'error';
      }
    };
    return options.force ? fresh(`versions:${id}`, run) : once(`versions:${id}`, run);
  }

  /** A plan version from whatever is loaded: the detail's current plan or the version history. */
  function planVersion(id: string, version: number): PlanVersion | null {
    const current = details.value[id]?.plan;
    if (current?.version === version) return current;
    return versions.value[id]?.find((v) => v.version === version) ?? null;
  }

  /** Refetches what a summary shows to be out of date (a new plan version). */
  function refreshStale(summary: ProjectSummary): void {
    const detail = details.value[summary.id];
    if (detail && detail.plan?.version !== summary.currentPlanVersion) void loadDetail(summary.id, { force: true });
    const history = versions.value[summary.id];
    if (history && history[0]?.version !== summary.currentPlanVersion) void loadVersions(summary.id, { force: true });
  }

  /** `project.updated` from the socket: created, re-planned or changed status. */
  function applyProjectUpdated(summary: ProjectSummary): void {
    if (!upsertSummary(summary)) return;
    placeInList(summary);
    refreshStale(summary);
  }

  async function approve(id: string, version: number): Promise<ApproveOutcome> {
    const key = approvalKey(id, version);
    if (approving.value[key]) return 'error';
    approving.value[key] = true;
    delete approveErrors.value[key];
    try {
      setDetail(await api.approvePlan(id, version));
      return 'approved';
    } catch (cause) {
      const error = toApiError(cause);
      approveErrors.value[key] = error;
      const outcome =
        error.code === 'plan/stale_version'
          ? 'stale'
          : error.code === 'project/invalid_transition'
            ? 'invalid'
            : 'error';
      // The server knows better than this page: show its current plan and status.
      if (outcome !== 'error') {
        await loadDetail(id, { force: true });
        if (versions.value[id]) await loadVersions(id, { force: true });
      }
      return outcome;
    } finally {
      approving.value[key] = false;
    }
  }

  function dismissApproveError(id: string, version: number): void {
    delete approveErrors.value[approvalKey(id, version)];
  }

  /** After a reconnect: `project.updated` events may have been missed while offline. */
  function resync(): void {
    if (listState.value === 'ready') void loadList({ force: true });
    for (const id of Object.keys(details.value)) void loadDetail(id, { force: true });
    for (const id of Object.keys(versions.value)) void loadVersions(id, { force: true });
    for (const id of run.loadedRuns()) void run.refreshRun(id);
  }

  return {
    summaries,
    details,
    detailState,
    detailErrors,
    versions,
    versionState,
    versionErrors,
    filter,
    order,
    list,
    nextCursor,
    hasMore,
    listState,
    listError,
    loadingMore,
    approving,
    approveErrors,
    loadList,
    loadMore,
    loadDetail,
    loadVersions,
    planVersion,
    applyProjectUpdated,
    approve,
    dismissApproveError,
    resync,
    ...run,
  };
});
