import type { SystemInfo } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, toApiError, type ApiError } from '../api';
import type { LoadState } from './conversations';

export const useSystemStore = defineStore('system', () => {
  const info = ref<SystemInfo | null>(null);
  const state = ref<LoadState>('idle');
  const error = ref<ApiError | null>(null);
  let inflight: Promise<void> | null = null;

  function load(): Promise<void> {
    inflight ??= (async () => {
      state.value = 'loading';
      error.value = null;
      try {
        info.value = await api.getSystem();
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

  return { info, state, error, load };
});
