import type { DelegationInfo } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, toApiError, type ApiError } from '../api';

/**
 * Delegations as the server last reported them (a rating response), by id. Messages carry the
 * delegation as it was when the reply was stored; what is here is newer.
 */
export const useDelegationsStore = defineStore('delegations', () => {
  const byId = ref<Record<string, DelegationInfo>>({});
  /** The rating the person picked and that is not saved yet. */
  const chosen = ref<Record<string, number>>({});
  const saving = ref<Record<string, boolean>>({});
  const errors = ref<Record<string, ApiError | null>>({});
  /** A rating picked while another was being saved: only the latest is sent next. */
  const queued = new Map<string, number>();

  function current(seed: DelegationInfo): DelegationInfo {
    return byId.value[seed.id] ?? seed;
  }

  /**
   * Saves a 1–5 rating. Arrow keys can change the pick several times a second: at most one
   * request is in flight per delegation and only the latest pick follows it.
   */
  async function rate(id: string, rating: number): Promise<void> {
    chosen.value[id] = rating;
    errors.value[id] = null;
    queued.set(id, rating);
    if (saving.value[id]) return;
    saving.value[id] = true;
    try {
      for (let next = queued.get(id); next !== undefined; next = queued.get(id)) {
        queued.delete(id);
        try {
          byId.value[id] = await api.rateDelegation(id, { rating: next });
        } catch (error) {
          errors.value[id] = toApiError(error);
          queued.delete(id);
        }
      }
    } finally {
      saving.value[id] = false;
      delete chosen.value[id];
    }
  }

  return { byId, chosen, saving, errors, current, rate };
});
