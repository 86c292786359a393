import type { AgentBuild, AgentBuildStatus, AgentTemplate, CreateAgentBuildBody } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { toApiError, type ApiError } from '../api';
import { workforceApi } from '../api/workforce';
import type { LoadState } from './conversations';
import { createInflight } from './inflight';
import { createPagedList } from './pagedList';

export const BUILD_PAGE_SIZE = 20;

/** Builds still moving: worth refetching after a reconnect, since their events may be lost. */
export const ACTIVE_BUILD_STATUSES: readonly AgentBuildStatus[] = [
  'drafting',
  'validating',
  'awaiting_approval',
  'deploying',
];

const newestFirst = (a: AgentBuild, b: AgentBuild) =>
  Date.parse(b.createdAt) - Date.parse(a.createdAt) || a.id.localeCompare(b.id);

/** Agent builds (the create-agent wizard and BUILD_AGENT replies) and the templates they start from. */
export const useAgentBuildsStore = defineStore('agentBuilds', () => {
  const byId = ref<Record<string, AgentBuild>>({});
  const { once } = createInflight();

  /** Keeps the newest state of a build: socket events and responses can arrive out of order. */
  function upsert(build: AgentBuild): boolean {
    const known = byId.value[build.id];
    if (known && Date.parse(known.updatedAt) > Date.parse(build.updatedAt)) return false;
    byId.value[build.id] = build;
    return true;
  }

  const page = createPagedList<AgentBuild, null>({
    initial: null,
    same: () => true,
    fetch: async (_filter, cursor) => {
      const result = await workforceApi.listBuilds({ limit: BUILD_PAGE_SIZE, cursor });
      return { items: result.builds, nextCursor: result.nextCursor };
    },
    upsert: (build) => void upsert(build),
    idOf: (build) => build.id,
  });
  const { order, hasMore, listState, listError, loadingMore, loadMore } = page;

  const list = computed(() =>
    order.value
      .map((id) => byId.value[id])
      .filter((b): b is AgentBuild => b !== undefined)
      .sort(newestFirst),
  );

  function load(options: { force?: boolean } = {}): Promise<void> {
    return page.load(null, options.force);
  }

  // ---- one build (a chat card or a link) ----------------------------------------------------
  const buildErrors = ref<Record<string, ApiError | null>>({});

  function loadOne(id: string, options: { force?: boolean } = {}): Promise<void> {
    if (byId.value[id] && !options.force) return Promise.resolve();
    return once(`one:${id}`, async () => {
      buildErrors.value[id] = null;
      try {
        upsert(await workforceApi.getBuild(id));
      } catch (cause) {
        buildErrors.value[id] = toApiError(cause);
      }
    });
  }

  /** `agent_build.updated` from the socket. */
  function applyUpdated(build: AgentBuild): void {
    if (!upsert(build)) return;
    if (listState.value === 'ready' && !order.value.includes(build.id)) order.value = [build.id, ...order.value];
  }

  // ---- templates ----------------------------------------------------------------------------
  const templates = ref<AgentTemplate[]>([]);
  const templatesState = ref<LoadState>('idle');
  const templatesError = ref<ApiError | null>(null);

  function loadTemplates(): Promise<void> {
    if (templatesState.value === 'ready') return Promise.resolve();
    return once('templates', async () => {
      templatesState.value = 'loading';
      templatesError.value = null;
      try {
        templates.value = (await workforceApi.listTemplates()).templates;
        templatesState.value = 'ready';
      } catch (cause) {
        templatesError.value = toApiError(cause);
        templatesState.value = 'error';
      }
    });
  }

  // ---- the wizard ---------------------------------------------------------------------------
  const creating = ref(false);
  const createError = ref<ApiError | null>(null);

  async function create(body: CreateAgentBuildBody): Promise<AgentBuild | null> {
    if (creating.value) return null;
    creating.value = true;
    createError.value = null;
    try {
      const build = await workforceApi.createBuild(body);
      applyUpdated(build);
      if (!order.value.includes(build.id)) order.value = [build.id, ...order.value];
      return build;
    } catch (cause) {
      createError.value = toApiError(cause);
      return null;
    } finally {
      creating.value = false;
    }
  }

  const cancelling = ref<Record<string, boolean>>({});

  /** Stops a build before deployment; the reason is recorded with it. */
  async function cancel(id: string, reason: string): Promise<boolean> {
    if (cancelling.value[id]) return false;
    cancelling.value[id] = true;
    buildErrors.value[id] = null;
    try {
      upsert(await workforceApi.cancelBuild(id, reason.trim() || undefined));
      return true;
    } catch (cause) {
      const error = toApiError(cause);
      // Often "it moved on meanwhile": show what it is now, and then why it was not cancelled.
      await loadOne(id, { force: true });
      buildErrors.value[id] = error;
      return false;
    } finally {
      cancelling.value[id] = false;
    }
  }

  /** After a reconnect: builds that were moving may have changed unheard. */
  function resync(): void {
    for (const build of Object.values(byId.value)) {
      if (ACTIVE_BUILD_STATUSES.includes(build.status)) void loadOne(build.id, { force: true });
    }
    if (listState.value === 'ready' || listState.value === 'error') void load({ force: true });
  }

  return {
    byId,
    list,
    hasMore,
    listState,
    listError,
    loadingMore,
    load,
    loadMore,
    buildErrors,
    loadOne,
    applyUpdated,
    templates,
    templatesState,
    templatesError,
    loadTemplates,
    creating,
    createError,
    create,
    cancelling,
    cancel,
    resync,
  };
});
