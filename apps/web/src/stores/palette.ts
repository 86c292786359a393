import type { AgentSummary, Conversation, ProjectSummary } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, type ApiError, toApiError } from '../api';
import type { LoadState } from './conversations';

/** What one request of each list holds: enough to jump to, without paging through everything. */
export const PALETTE_PAGE_SIZE = 100;
export const PALETTE_CONVERSATION_LIMIT = 20;

/**
 * The command palette: whether it is open, and the lists it offers, fetched the first time it
 * opens (never on page load) and again on each later opening. Conversations are searched on the
 * server as the person types (the list endpoint's `q`), since there may be many.
 */
export const usePaletteStore = defineStore('palette', () => {
  const open = ref(false);
  /** Set the first time it opens: the dialog's code is loaded only then. */
  const used = ref(false);

  const agents = ref<AgentSummary[]>([]);
  const projects = ref<ProjectSummary[]>([]);
  const conversations = ref<Conversation[]>([]);
  const state = ref<LoadState>('idle');
  const error = ref<ApiError | null>(null);
  /** The conversation search answered last (answers to older searches are dropped). */
  let searchSeq = 0;

  function show(): void {
    used.value = true;
    if (open.value) return;
    open.value = true;
    void refresh();
  }

  function hide(): void {
    open.value = false;
  }

  function toggle(): void {
    if (open.value) hide();
    else show();
  }

  async function refresh(): Promise<void> {
    state.value = 'loading';
    error.value = null;
    const seq = ++searchSeq;
    const [a, p, c] = await Promise.allSettled([
      api.listAgents(),
      api.listProjects({ limit: PALETTE_PAGE_SIZE }),
      api.listConversations({ limit: PALETTE_CONVERSATION_LIMIT }),
    ]);
    if (a.status === 'fulfilled') agents.value = a.value.agents;
    if (p.status === 'fulfilled') projects.value = p.value.projects;
    if (c.status === 'fulfilled' && seq === searchSeq) conversations.value = c.value.conversations;
    const failed = [a, p, c].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // What did load is still offered; the palette says what did not.
    error.value = failed ? toApiError(failed.reason) : null;
    state.value = failed ? 'error' : 'ready';
  }

  /** The conversations whose title or messages contain `q` (all recent ones when blank). */
  async function searchConversations(q: string): Promise<void> {
    const seq = ++searchSeq;
    try {
      const page = await api.listConversations({ limit: PALETTE_CONVERSATION_LIMIT, q: q.trim() || undefined });
      if (seq === searchSeq) conversations.value = page.conversations;
    } catch (cause) {
      if (seq === searchSeq) error.value = toApiError(cause);
    }
  }

  return {
    open,
    used,
    agents,
    projects,
    conversations,
    state,
    error,
    show,
    hide,
    toggle,
    refresh,
    searchConversations,
  };
});
