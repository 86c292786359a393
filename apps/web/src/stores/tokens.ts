import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { toApiError, type ApiError } from '../api';
import { tokensApi, type ApiToken, type CreateApiTokenBody, type CreatedApiToken } from '../api/tokens';
import { attempt } from './attempt';
import type { Outcome } from './budgets';
import type { LoadState } from './conversations';
import { createHeadStart, createInflight } from './inflight';

const newestFirst = (a: ApiToken, b: ApiToken) => Date.parse(b.createdAt) - Date.parse(a.createdAt);

/** The signed-in person's API tokens in the current workspace. */
export const useTokensStore = defineStore('tokens', () => {
  const byId = ref<Record<string, ApiToken>>({});
  const state = ref<LoadState>('idle');
  const error = ref<ApiError | null>(null);
  const revoking = ref<Record<string, boolean>>({});
  const { once } = createInflight();
  const head = createHeadStart();

  const list = computed(() => Object.values(byId.value).sort(newestFirst));

  function load(): Promise<void> {
    return head.take('list') ?? fetchList();
  }

  /** Before the tokens page has loaded (router prefetch); nothing if already known. */
  function prefetch(): void {
    if (state.value === 'idle') void head.start('list', fetchList);
  }

  function fetchList(): Promise<void> {
    return once('list', async () => {
      if (state.value !== 'ready') state.value = 'loading';
      error.value = null;
      try {
        const tokens = await tokensApi.list();
        byId.value = Object.fromEntries(tokens.map((t) => [t.id, t]));
        state.value = 'ready';
      } catch (cause) {
        error.value = toApiError(cause);
        state.value = 'error';
      }
    });
  }

  async function create(body: CreateApiTokenBody): Promise<Outcome<CreatedApiToken>> {
    const outcome = await attempt(() => tokensApi.create(body));
    if (outcome.ok) {
      // Listed without its secret: the secret is shown once, where it was made.
      const { token: _shownOnce, ...listed } = outcome.value;
      byId.value[listed.id] = listed;
    }
    return outcome;
  }

  async function revoke(id: string): Promise<Outcome<void>> {
    revoking.value[id] = true;
    const outcome = await attempt(() => tokensApi.revoke(id));
    revoking.value[id] = false;
    const token = byId.value[id];
    // The answer has no body: the list shows it revoked now, as the server's list will.
    if (outcome.ok && token) byId.value[id] = { ...token, revokedAt: new Date().toISOString() };
    return outcome;
  }

  return { byId, list, state, error, revoking, load, prefetch, create, revoke };
});
