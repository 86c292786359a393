import type { Conversation } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed } from 'vue';
import { api } from '../api';
import { CONVERSATION_PAGE_SIZE, useConversationsStore } from './conversations';
import { createPagedList, type Page } from './pagedList';

/**
 * Requests one search (or "more results") may make. The API looks into a bounded number of
 * conversations per request (docs/api.md "Conversation titles and search") and may find none
 * among them: pages with nothing found are skipped, up to this many requests, before the list
 * says so and offers to search older conversations.
 */
export const SEARCH_MAX_REQUESTS = 5;

/** Conversations whose title or messages contain the search text; the conversations themselves live in the conversations store. */
export const useConversationSearchStore = defineStore('conversationSearch', () => {
  const conversations = useConversationsStore();

  async function firstFound(text: string, cursor?: string): Promise<Page<Conversation>> {
    let next = cursor;
    for (let request = 1; ; request++) {
      const page = await api.listConversations({ q: text, limit: CONVERSATION_PAGE_SIZE, cursor: next });
      if (page.conversations.length > 0 || !page.nextCursor || request >= SEARCH_MAX_REQUESTS)
        return { items: page.conversations, nextCursor: page.nextCursor };
      next = page.nextCursor;
    }
  }

  const paged = createPagedList<Conversation, string>({
    initial: '',
    same: (a, b) => a === b,
    // No text, no search: nothing to ask the server.
    fetch: (text, cursor) => (text ? firstFound(text, cursor) : Promise.resolve({ items: [], nextCursor: null })),
    upsert: (conversation) => {
      conversations.byId[conversation.id] = conversation;
    },
    idOf: (conversation) => conversation.id,
  });

  /** The text searched for, trimmed; empty when not searching. */
  const text = computed(() => paged.filter.value);
  const active = computed(() => text.value !== '');
  /** Found conversations, most recent first; one deleted since drops out. */
  const results = computed(() =>
    paged.order.value.map((id) => conversations.byId[id]).filter((c): c is Conversation => c !== undefined),
  );

  function search(value: string): Promise<void> {
    return paged.load(value.trim());
  }

  return {
    text,
    active,
    results,
    state: paged.listState,
    error: paged.listError,
    hasMore: paged.hasMore,
    loadingMore: paged.loadingMore,
    search,
    /** Searches for the same text again (after an error). */
    retry: () => paged.load(paged.filter.value, true),
    loadMore: paged.loadMore,
  };
});
