import type {
  AgentDefinition,
  AgentDetail,
  AgentDiff,
  AgentImprovement,
  AgentMetrics,
  AgentVersionConflict,
  AgentVersionSummary,
  RetireAgentResult,
} from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { toApiError, type ApiError } from '../api';
import { versionConflictOf, workforceApi } from '../api/workforce';
import { useAgentsStore } from './agents';
import type { LoadState } from './conversations';
import { createInflight } from './inflight';

export const VERSION_PAGE_SIZE = 20;

/** What the person tried to save when someone else saved first: never thrown away. */
export type PendingEdit =
  | { kind: 'context'; contextMd: string; message: string }
  | { kind: 'definition'; definition: AgentDefinition; message: string };

export interface SaveConflict {
  conflict: AgentVersionConflict;
  mine: PendingEdit;
}

export interface ContextDraft {
  contextMd: string;
  /** The version the edit started from: a save names it, so a newer one is a conflict. */
  baseVersion: number;
}

export type SaveOutcome = 'saved' | 'conflict' | 'error';

export interface VersionList {
  versions: AgentVersionSummary[];
  nextCursor: string | null;
  state: LoadState;
  error: ApiError | null;
  loadingMore: boolean;
}

const diffKey = (name: string, from: number, to: number) => `${name}:${from}:${to}`;
const newestFirst = (a: AgentImprovement, b: AgentImprovement) => Date.parse(b.createdAt) - Date.parse(a.createdAt);
/** How far an improvement has got: a fetched copy never replaces one a socket event moved further. */
const IMPROVEMENT_STAGE: Record<AgentImprovement['status'], number> = {
  proposed: 0,
  pending_approval: 1,
  approved: 2,
  rejected: 3,
  failed: 3,
  applied: 3,
  rolled_back: 4,
};

/**
 * The Workforce: metrics, agent details (definition + Context.md + version), version history,
 * diffs, saving with optimistic concurrency (a 409 becomes a conflict that keeps the person's
 * text), restore, improvements and retirement. The agent list itself (live status) is the
 * agents store's.
 */
export const useWorkforceStore = defineStore('workforce', () => {
  const agents = useAgentsStore();
  const { once, fresh } = createInflight();

  // ---- metrics ------------------------------------------------------------------------------
  const metrics = ref<Record<string, AgentMetrics>>({});
  const metricsState = ref<LoadState>('idle');
  const metricsError = ref<ApiError | null>(null);

  function loadMetrics(options: { force?: boolean } = {}): Promise<void> {
    if (metricsState.value === 'ready' && !options.force) return Promise.resolve();
    return (options.force ? fresh : once)('metrics', async () => {
      if (metricsState.value !== 'ready') metricsState.value = 'loading';
      metricsError.value = null;
      try {
        const list = await workforceApi.getMetrics();
        metrics.value = Object.fromEntries(list.metrics.map((m) => [m.name, m]));
        metricsState.value = 'ready';
      } catch (cause) {
        metricsError.value = toApiError(cause);
        metricsState.value = 'error';
      }
    });
  }

  // ---- details ------------------------------------------------------------------------------
  const details = ref<Record<string, AgentDetail>>({});
  const detailState = ref<Record<string, LoadState>>({});
  const detailErrors = ref<Record<string, ApiError | null>>({});

  function storeDetail(detail: AgentDetail): void {
    details.value[detail.name] = detail;
    metrics.value[detail.name] = detail.metrics;
    // Keep the list in step with what was just saved (title, capabilities…), not with its status:
    // the live status comes from socket events and may be newer than this response.
    const known = agents.byName[detail.name];
    if (known) {
      const { title, department, type, reportsTo, description, capabilities, loadError } = detail;
      Object.assign(known, { title, department, type, reportsTo, description, capabilities, loadError });
    }
  }

  function loadAgent(name: string, options: { force?: boolean } = {}): Promise<void> {
    if (details.value[name] && !options.force) return Promise.resolve();
    return (options.force ? fresh : once)(`agent:${name}`, async () => {
      if (!details.value[name]) detailState.value[name] = 'loading';
      detailErrors.value[name] = null;
      try {
        storeDetail(await workforceApi.getAgent(name));
        detailState.value[name] = 'ready';
      } catch (cause) {
        detailErrors.value[name] = toApiError(cause);
        detailState.value[name] = 'error';
      }
    });
  }

  // ---- versions -----------------------------------------------------------------------------
  const versions = ref<Record<string, VersionList>>({});

  function versionList(name: string): VersionList {
    versions.value[name] ??= { versions: [], nextCursor: null, state: 'idle', error: null, loadingMore: false };
    return versions.value[name];
  }

  function loadVersions(name: string, options: { force?: boolean } = {}): Promise<void> {
    const list = versionList(name);
    if (list.state === 'ready' && !options.force) return Promise.resolve();
    return (options.force ? fresh : once)(`versions:${name}`, async () => {
      const current = versionList(name);
      if (current.state !== 'ready') current.state = 'loading';
      current.error = null;
      try {
        const page = await workforceApi.listVersions(name, { limit: VERSION_PAGE_SIZE });
        Object.assign(current, { versions: page.versions, nextCursor: page.nextCursor, state: 'ready' });
      } catch (cause) {
        current.error = toApiError(cause);
        if (current.state !== 'ready') current.state = 'error';
      }
    });
  }

  function loadMoreVersions(name: string): Promise<void> {
    const cursor = versionList(name).nextCursor;
    if (!cursor) return Promise.resolve();
    return once(`versions:${name}:${cursor}`, async () => {
      const current = versionList(name);
      current.loadingMore = true;
      current.error = null;
      try {
        const page = await workforceApi.listVersions(name, { limit: VERSION_PAGE_SIZE, cursor });
        const known = new Set(current.versions.map((v) => v.version));
        current.versions.push(...page.versions.filter((v) => !known.has(v.version)));
        current.nextCursor = page.nextCursor;
      } catch (cause) {
        current.error = toApiError(cause);
      } finally {
        current.loadingMore = false;
      }
    });
  }

  // ---- diffs (versions never change, so a diff between two of them is cached for good) -------
  const diffs = ref<Record<string, AgentDiff>>({});
  const diffErrors = ref<Record<string, ApiError | null>>({});

  function loadDiff(name: string, from: number, to: number): Promise<void> {
    const key = diffKey(name, from, to);
    if (diffs.value[key]) return Promise.resolve();
    return once(`diff:${key}`, async () => {
      diffErrors.value[key] = null;
      try {
        diffs.value[key] = await workforceApi.getDiff(name, from, to);
      } catch (cause) {
        diffErrors.value[key] = toApiError(cause);
      }
    });
  }

  const diffOf = (name: string, from: number, to: number) => diffs.value[diffKey(name, from, to)] ?? null;
  const diffErrorOf = (name: string, from: number, to: number) => diffErrors.value[diffKey(name, from, to)] ?? null;

  // ---- unsaved Context.md edits: per agent, so leaving the page and coming back loses nothing --
  const drafts = ref<Record<string, ContextDraft>>({});
  /** What the person had written when they took someone else's version instead (to copy from). */
  const keptCopies = ref<Record<string, PendingEdit | null>>({});

  /** Records an edit; the base is the version the editor showed when the editing started. */
  function setDraft(name: string, contextMd: string): void {
    const existing = drafts.value[name];
    const baseVersion = existing?.baseVersion ?? details.value[name]?.version;
    if (baseVersion === undefined) return;
    drafts.value[name] = { contextMd, baseVersion };
  }

  function discardDraft(name: string): void {
    delete drafts.value[name];
  }

  function dismissKeptCopy(name: string): void {
    keptCopies.value[name] = null;
  }

  // ---- saving -------------------------------------------------------------------------------
  const saving = ref<Record<string, boolean>>({});
  const saveErrors = ref<Record<string, ApiError | null>>({});
  const conflicts = ref<Record<string, SaveConflict | null>>({});

  async function save(name: string, edit: PendingEdit, baseVersion: number): Promise<SaveOutcome> {
    if (saving.value[name]) return 'error';
    saving.value[name] = true;
    saveErrors.value[name] = null;
    try {
      const message = edit.message.trim();
      const detail =
        edit.kind === 'context'
          ? await workforceApi.saveContext(name, { contextMd: edit.contextMd, baseVersion, message })
          : await workforceApi.saveDefinition(name, { definition: edit.definition, baseVersion, message });
      storeDetail(detail);
      conflicts.value[name] = null;
      if (edit.kind === 'context') discardDraft(name);
      void loadVersions(name, { force: true });
      return 'saved';
    } catch (cause) {
      const error = toApiError(cause);
      const conflict = versionConflictOf(error);
      if (conflict) {
        conflicts.value[name] = { conflict, mine: edit };
        return 'conflict';
      }
      saveErrors.value[name] = error;
      return 'error';
    } finally {
      saving.value[name] = false;
    }
  }

  /** Saves on top of the version named by the conflict: the person chose their text over theirs. */
  function overwrite(name: string): Promise<SaveOutcome> {
    const pending = conflicts.value[name];
    if (!pending) return Promise.resolve('error');
    return save(name, pending.mine, pending.conflict.currentVersion);
  }

  /** Takes the other person's version; the caller keeps `mine` visible for copying. */
  async function takeTheirs(name: string): Promise<PendingEdit | null> {
    const pending = conflicts.value[name];
    if (!pending) return null;
    keptCopies.value[name] = pending.mine;
    await Promise.all([loadAgent(name, { force: true }), loadVersions(name, { force: true })]);
    // Only now: until their version has arrived, the editor keeps showing the person's text.
    conflicts.value[name] = null;
    if (pending.mine.kind === 'context') discardDraft(name);
    return pending.mine;
  }

  const restoring = ref<Record<string, boolean>>({});
  const restoreErrors = ref<Record<string, ApiError | null>>({});

  async function restore(name: string, version: number, message: string): Promise<boolean> {
    const base = details.value[name]?.version;
    if (base === undefined || restoring.value[name]) return false;
    restoring.value[name] = true;
    restoreErrors.value[name] = null;
    try {
      storeDetail(await workforceApi.restoreVersion(name, { version, baseVersion: base, message: message.trim() }));
      void loadVersions(name, { force: true });
      return true;
    } catch (cause) {
      restoreErrors.value[name] = toApiError(cause);
      // A conflict means the list on screen is stale: show what is current now.
      void loadAgent(name, { force: true });
      void loadVersions(name, { force: true });
      return false;
    } finally {
      restoring.value[name] = false;
    }
  }

  // ---- improvements and retirement ------------------------------------------------------------
  const improvements = ref<Record<string, AgentImprovement[]>>({});
  const improvementState = ref<Record<string, LoadState>>({});
  const improvementErrors = ref<Record<string, ApiError | null>>({});
  const proposing = ref<Record<string, boolean>>({});
  const actionErrors = ref<Record<string, ApiError | null>>({});

  function upsertImprovement(improvement: AgentImprovement): void {
    const list = improvements.value[improvement.agentName] ?? [];
    const others = list.filter((i) => i.id !== improvement.id);
    improvements.value[improvement.agentName] = [improvement, ...others].sort(newestFirst);
  }

  function loadImprovements(name: string, options: { force?: boolean } = {}): Promise<void> {
    if (improvementState.value[name] === 'ready' && !options.force) return Promise.resolve();
    return (options.force ? fresh : once)(`improvements:${name}`, async () => {
      if (improvementState.value[name] !== 'ready') improvementState.value[name] = 'loading';
      improvementErrors.value[name] = null;
      try {
        const { improvements: list } = await workforceApi.listImprovements(name);
        improvements.value[name] = [...list].sort(newestFirst);
        improvementState.value[name] = 'ready';
      } catch (cause) {
        improvementErrors.value[name] = toApiError(cause);
        if (improvementState.value[name] !== 'ready') improvementState.value[name] = 'error';
      }
    });
  }

  // ---- one improvement by id (a chat reply's card); kept in its agent's list like the rest ----
  const improvementById = computed(() => {
    const byId: Record<string, AgentImprovement> = {};
    for (const list of Object.values(improvements.value)) for (const item of list) byId[item.id] = item;
    return byId;
  });
  const improvementLoadErrors = ref<Record<string, ApiError | null>>({});

  function loadImprovement(id: string, options: { force?: boolean } = {}): Promise<void> {
    if (improvementById.value[id] && !options.force) return Promise.resolve();
    return (options.force ? fresh : once)(`improvement:${id}`, async () => {
      improvementLoadErrors.value[id] = null;
      try {
        const fetched = await workforceApi.getImprovement(id);
        const known = improvementById.value[id];
        if (!known || IMPROVEMENT_STAGE[fetched.status] >= IMPROVEMENT_STAGE[known.status]) upsertImprovement(fetched);
      } catch (cause) {
        improvementLoadErrors.value[id] = toApiError(cause);
      }
    });
  }

  async function proposeImprovement(name: string, feedback: string): Promise<AgentImprovement | null> {
    if (proposing.value[name]) return null;
    proposing.value[name] = true;
    actionErrors.value[name] = null;
    try {
      const improvement = await workforceApi.proposeImprovement(name, feedback.trim());
      upsertImprovement(improvement);
      return improvement;
    } catch (cause) {
      actionErrors.value[name] = toApiError(cause);
      return null;
    } finally {
      proposing.value[name] = false;
    }
  }

  async function restoreImprovement(improvement: AgentImprovement): Promise<boolean> {
    const name = improvement.agentName;
    actionErrors.value[name] = null;
    try {
      upsertImprovement(await workforceApi.restoreImprovement(improvement.id));
      await Promise.all([loadAgent(name, { force: true }), loadVersions(name, { force: true })]);
      return true;
    } catch (cause) {
      actionErrors.value[name] = toApiError(cause);
      return false;
    }
  }

  /** `agent_improvement.updated`: an applied improvement also means a new version of the agent. */
  function applyImprovementUpdated(improvement: AgentImprovement): void {
    upsertImprovement(improvement);
    const name = improvement.agentName;
    if (
      details.value[name] &&
      improvement.newVersion !== null &&
      improvement.newVersion !== details.value[name].version
    ) {
      void loadAgent(name, { force: true });
      if (versions.value[name]?.state === 'ready') void loadVersions(name, { force: true });
    }
  }

  const retiring = ref<Record<string, boolean>>({});
  const retirements = ref<Record<string, RetireAgentResult>>({});

  async function retire(name: string, reason: string): Promise<RetireAgentResult | null> {
    if (retiring.value[name]) return null;
    retiring.value[name] = true;
    actionErrors.value[name] = null;
    try {
      const result = await workforceApi.retire(name, reason.trim());
      retirements.value[name] = result;
      if (agents.byName[name]) agents.byName[name] = result.agent;
      void loadAgent(name, { force: true });
      return result;
    } catch (cause) {
      actionErrors.value[name] = toApiError(cause);
      return null;
    } finally {
      retiring.value[name] = false;
    }
  }

  return {
    metrics,
    metricsState,
    metricsError,
    loadMetrics,
    details,
    detailState,
    detailErrors,
    loadAgent,
    versions,
    versionList,
    loadVersions,
    loadMoreVersions,
    loadDiff,
    diffOf,
    diffErrorOf,
    drafts,
    keptCopies,
    setDraft,
    discardDraft,
    dismissKeptCopy,
    saving,
    saveErrors,
    conflicts,
    save,
    overwrite,
    takeTheirs,
    restoring,
    restoreErrors,
    restore,
    improvements,
    improvementState,
    improvementErrors,
    proposing,
    actionErrors,
    loadImprovements,
    improvementById,
    improvementLoadErrors,
    loadImprovement,
    proposeImprovement,
    restoreImprovement,
    applyImprovementUpdated,
    retiring,
    retirements,
    retire,
  };
});
