import type { AgentStatusChanged, AgentSummary, RegistryProblem, RegistryReloaded } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, toApiError, type ApiError } from '../api';
import { buildOrgTree } from '../utils/orgTree';
import type { LoadState } from './conversations';
import { createHeadStart } from './inflight';

/**
 * The registry's agents by name, kept live: `agent.status_changed` patches one agent in place
 * (so only what shows that agent re-renders, and the hierarchy is not rebuilt), while
 * `registry.reloaded` or a reload replaces the list and remembers which agents are new.
 */
export const useAgentsStore = defineStore('agents', () => {
  const byName = ref<Record<string, AgentSummary>>({});
  const state = ref<LoadState>('idle');
  const error = ref<ApiError | null>(null);
  /** Agents that appeared in the latest replacement of a list that was already shown. */
  const added = ref<string[]>([]);
  /** Definition problems from the latest `registry.reloaded` (files that did not load). */
  const problems = ref<RegistryProblem[]>([]);
  let inflight: Promise<void> | null = null;
  let listed = false;
  const head = createHeadStart();

  const list = computed(() => Object.values(byName.value));
  const tree = computed(() => buildOrgTree(list.value));
  const withErrors = computed(() => list.value.filter((agent) => agent.loadError !== null));
  const departments = computed(() => [...new Set(list.value.map((agent) => agent.department))].sort());

  function replaceAll(agents: readonly AgentSummary[]): void {
    const before = byName.value;
    const hadList = listed;
    listed = true;
    byName.value = Object.fromEntries(agents.map((agent) => [agent.name, agent]));
    // The first list is not news; after that, a name we did not have is (e.g. a freshly built agent).
    added.value = hadList ? agents.filter((agent) => !(agent.name in before)).map((agent) => agent.name) : [];
    state.value = 'ready';
    error.value = null;
  }

  function load(): Promise<void> {
    return head.take('list') ?? fetchList();
  }

  /** Before the page that lists them has loaded (router prefetch); nothing if already known. */
  function prefetch(): void {
    if (state.value === 'idle') void head.start('list', fetchList);
  }

  function fetchList(): Promise<void> {
    inflight ??= (async () => {
      state.value = 'loading';
      error.value = null;
      try {
        const { agents } = await api.listAgents();
        replaceAll(agents);
      } catch (cause) {
        error.value = toApiError(cause);
        state.value = 'error';
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  }

  /** After a reconnect: whatever changed meanwhile was not pushed to us. */
  function resync(): void {
    if (state.value !== 'idle') void load();
  }

  function applyStatusChanged(event: AgentStatusChanged): void {
    const agent = byName.value[event.name];
    // Unknown agents arrive with the next `registry.reloaded`; a status alone cannot place them.
    if (!agent) return;
    agent.status = event.status;
    agent.currentLoad = event.currentLoad;
    agent.maxConcurrent = event.maxConcurrent;
  }

  function applyRegistryReloaded(event: RegistryReloaded): void {
    replaceAll(event.agents);
    problems.value = event.problems;
  }

  function clearAdded(): void {
    added.value = [];
  }

  return {
    prefetch,
    byName,
    list,
    tree,
    withErrors,
    departments,
    state,
    error,
    added,
    problems,
    load,
    resync,
    applyStatusChanged,
    applyRegistryReloaded,
    clearAdded,
  };
});
