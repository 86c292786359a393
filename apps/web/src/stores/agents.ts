import type { AgentSummary } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, toApiError, type ApiError } from '../api';
import { buildOrgTree } from '../utils/orgTree';
import type { LoadState } from './conversations';

export const useAgentsStore = defineStore('agents', () => {
  const byName = ref<Record<string, AgentSummary>>({});
  const state = ref<LoadState>('idle');
  const error = ref<ApiError | null>(null);
  let inflight: Promise<void> | null = null;

  const list = computed(() => Object.values(byName.value));
  const tree = computed(() => buildOrgTree(list.value));
  const withErrors = computed(() => list.value.filter((agent) => agent.loadError !== null));
  const departments = computed(() => [...new Set(list.value.map((agent) => agent.department))].sort());

  function load(): Promise<void> {
    inflight ??= (async () => {
      state.value = 'loading';
      error.value = null;
      try {
        const { agents } = await api.listAgents();
        byName.value = Object.fromEntries(agents.map((agent) => [agent.name, agent]));
        state.value = 'ready';
      } catch (cause) {
        error.value = toApiError(cause);
        state.value = 'error';
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  }

  return { byName, list, tree, withErrors, departments, state, error, load };
});
