import type { Conversation, Message, MessageDelta, ReplyFailed, ReplyStarted } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, toApiError, type ApiError } from '../api';
import {
  buildTimeline,
  sortBySeq,
  titleFromMessage,
  type PendingMessage,
  type ReplyDraft,
  type RetryState,
  type TimelineItem,
} from './timeline';
import { createHeadStart } from './inflight';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

export const CONVERSATION_PAGE_SIZE = 30;
export const MESSAGE_PAGE_SIZE = 200;

export interface SendFailure {
  error: ApiError;
  content: string;
  /** The highest seq known when it was sent: a stored copy after it means the server has it. */
  afterSeq: number;
}

/** Text for the chat composer from elsewhere (e.g. a plan card's Refine), with focus. */
export interface ComposerRequest {
  /** The conversation whose composer should take it; null for a new conversation. */
  conversationId: string | null;
  text: string;
  id: number;
}

export const useConversationsStore = defineStore('conversations', () => {
  // ---- conversation list -------------------------------------------------------------------
  const byId = ref<Record<string, Conversation>>({});
  /** Ids of the list, most recent first (server order, then moved up on activity). */
  const order = ref<string[]>([]);
  const nextCursor = ref<string | null>(null);
  const listState = ref<LoadState>('idle');
  const listError = ref<ApiError | null>(null);
  const loadingMore = ref(false);
  const conversationErrors = ref<Record<string, ApiError>>({});
  const activeId = ref<string | null>(null);

  // ---- messages, per conversation, normalised by id ----------------------------------------
  const messages = ref<Record<string, Record<string, Message>>>({});
  const messageState = ref<Record<string, LoadState>>({});
  const messageErrors = ref<Record<string, ApiError | null>>({});
  const drafts = ref<Record<string, Record<string, ReplyDraft>>>({});
  const pending = ref<Record<string, PendingMessage>>({});
  const sending = ref<Record<string, boolean>>({});
  const sendErrors = ref<Record<string, SendFailure>>({});
  const retries = ref<Record<string, RetryState>>({});

  /** In-flight loads by key, so concurrent callers share one request. */
  const head = createHeadStart();
  const inflight = new Map<string, Promise<void>>();
  function once(key: string, run: () => Promise<void>): Promise<void> {
    const existing = inflight.get(key);
    if (existing) return existing;
    const promise = run().finally(() => inflight.delete(key));
    inflight.set(key, promise);
    return promise;
  }

  const list = computed(() =>
    order.value.map((id) => byId.value[id]).filter((c): c is Conversation => c !== undefined),
  );
  const hasMore = computed(() => nextCursor.value !== null);

  function addPage(page: Conversation[]): void {
    for (const conversation of page) {
      byId.value[conversation.id] = conversation;
      if (!order.value.includes(conversation.id)) order.value.push(conversation.id);
    }
  }

  function loadConversations(options: { force?: boolean } = {}): Promise<void> {
    if (listState.value === 'ready' && !options.force) return Promise.resolve();
    return once('list', async () => {
      listState.value = 'loading';
      listError.value = null;
      try {
        const page = await api.listConversations({ limit: CONVERSATION_PAGE_SIZE });
        order.value = [];
        addPage(page.conversations);
        nextCursor.value = page.nextCursor;
        listState.value = 'ready';
      } catch (error) {
        listError.value = toApiError(error);
        listState.value = 'error';
      }
    });
  }

  function loadMoreConversations(): Promise<void> {
    const cursor = nextCursor.value;
    if (!cursor) return Promise.resolve();
    return once('list-more', async () => {
      loadingMore.value = true;
      listError.value = null;
      try {
        const page = await api.listConversations({ limit: CONVERSATION_PAGE_SIZE, cursor });
        addPage(page.conversations);
        nextCursor.value = page.nextCursor;
      } catch (error) {
        listError.value = toApiError(error);
      } finally {
        loadingMore.value = false;
      }
    });
  }

  /** Puts a conversation at the top of the list: it is now the most recent. */
  function moveToTop(id: string): void {
    order.value = [id, ...order.value.filter((other) => other !== id)];
  }

  async function createConversation(title?: string): Promise<Conversation> {
    const conversation = await api.createConversation(title ? { title } : {});
    byId.value[conversation.id] = conversation;
    moveToTop(conversation.id);
    messages.value[conversation.id] ??= {};
    messageState.value[conversation.id] = 'ready';
    return conversation;
  }

  /** Loads one conversation (e.g. opened from a link) unless it is already known. */
  function fetchConversation(id: string): Promise<void> {
    if (byId.value[id]) return Promise.resolve();
    return once(`conversation:${id}`, async () => {
      try {
        byId.value[id] = await api.getConversation(id);
        delete conversationErrors.value[id];
      } catch (error) {
        conversationErrors.value[id] = toApiError(error);
      }
    });
  }

  function setActive(id: string | null): void {
    activeId.value = id;
  }

  /** Renames it for everyone; the error (a blank title, a conversation gone) is the caller's to show. */
  async function renameConversation(id: string, title: string): Promise<Conversation> {
    const renamed = await api.renameConversation(id, title);
    byId.value[id] = renamed;
    return renamed;
  }

  /**
   * Deletes it for everyone and forgets it here. One that someone else deleted first (404) is
   * gone all the same.
   */
  async function deleteConversation(id: string): Promise<void> {
    try {
      await api.deleteConversation(id);
    } catch (error) {
      if (toApiError(error).status !== 404) throw error;
    }
    forget(id);
  }

  function forget(id: string): void {
    order.value = order.value.filter((other) => other !== id);
    for (const perConversation of [
      byId,
      conversationErrors,
      messages,
      messageState,
      messageErrors,
      drafts,
      pending,
      sending,
      sendErrors,
    ])
      delete perConversation.value[id];
  }

  // ---- messages ---------------------------------------------------------------------------
  function maxSeq(conversationId: string): number {
    let max = 0;
    for (const message of Object.values(messages.value[conversationId] ?? {})) {
      if (message.seq > max) max = message.seq;
    }
    return max;
  }

  /** Stores a message once, whichever way it arrived (socket, HTTP response, catch-up). */
  function upsertMessage(message: Message): void {
    const { conversationId } = message;
    const bucket = (messages.value[conversationId] ??= {});
    bucket[message.id] = message;
    // The final reply carries the draft's id: the stored message replaces the stream.
    if (drafts.value[conversationId]?.[message.id]) delete drafts.value[conversationId][message.id];
    const waiting = pending.value[conversationId];
    if (message.role === 'user' && waiting && waiting.content === message.content) {
      delete pending.value[conversationId];
    }
    touchConversation(message);
  }

  function touchConversation(message: Message): void {
    const conversation = byId.value[message.conversationId];
    if (!conversation) return;
    const last = conversation.lastMessageAt;
    if (last && Date.parse(last) > Date.parse(message.createdAt)) return;
    byId.value[message.conversationId] = {
      ...conversation,
      lastMessageAt: message.createdAt,
      updatedAt: message.createdAt,
    };
    if (order.value[0] !== message.conversationId) moveToTop(message.conversationId);
  }

  /** Fetches every message after `after`, page by page, merging as it goes. */
  async function fetchAfter(conversationId: string, after: number): Promise<void> {
    let cursor = after;
    for (;;) {
      const page = await api.listMessages(conversationId, {
        after: cursor > 0 ? cursor : undefined,
        limit: MESSAGE_PAGE_SIZE,
      });
      for (const message of page.messages) upsertMessage(message);
      const last = page.messages[page.messages.length - 1];
      if (!page.hasMore || !last) return;
      cursor = last.seq;
    }
  }

  function loadMessages(conversationId: string, options: { force?: boolean } = {}): Promise<void> {
    const ahead = options.force ? null : head.take(`messages:${conversationId}`);
    if (ahead) return ahead;
    const state = messageState.value[conversationId];
    if (state === 'ready' && !options.force) return catchUp(conversationId);
    return once(`messages:${conversationId}`, async () => {
      messageState.value[conversationId] = 'loading';
      messageErrors.value[conversationId] = null;
      try {
        messages.value[conversationId] ??= {};
        await fetchAfter(conversationId, 0);
        messageState.value[conversationId] = 'ready';
      } catch (error) {
        messageErrors.value[conversationId] = toApiError(error);
        messageState.value[conversationId] = 'error';
      }
    });
  }

  /**
   * Before the workspace page has loaded (router prefetch): the list, and the open
   * conversation's messages unless they are already here.
   */
  function prefetch(conversationId: string | null): void {
    void loadConversations();
    if (!conversationId) return;
    void fetchConversation(conversationId);
    if (messageState.value[conversationId] === undefined)
      void head.start(`messages:${conversationId}`, () => loadMessages(conversationId));
  }

  /** After a reconnect or a re-join: fetch what was missed since the highest seq seen. */
  async function catchUp(conversationId: string): Promise<void> {
    const running = inflight.get(`messages:${conversationId}`);
    if (running) await running;
    if (messageState.value[conversationId] !== 'ready') return;
    await once(`catch-up:${conversationId}`, async () => {
      try {
        await fetchAfter(conversationId, maxSeq(conversationId));
      } catch (error) {
        messageErrors.value[conversationId] = toApiError(error);
      }
    });
  }

  // ---- streaming replies (socket events) -------------------------------------------------
  function isStored(conversationId: string, messageId: string): boolean {
    return messages.value[conversationId]?.[messageId] !== undefined;
  }

  function ensureDraft(conversationId: string, messageId: string, offline: boolean): ReplyDraft {
    const bucket = (drafts.value[conversationId] ??= {});
    const draft = (bucket[messageId] ??= {
      id: messageId,
      conversationId,
      chunks: [],
      offline,
      status: 'streaming',
      error: null,
      startedAt: Date.now(),
    });
    return draft;
  }

  function applyReplyStarted(event: ReplyStarted): void {
    if (isStored(event.conversationId, event.messageId)) return;
    const draft = ensureDraft(event.conversationId, event.messageId, event.offline);
    // A reply cut off by a server restart streams again from its first chunk, under the same id.
    Object.assign(draft, { offline: event.offline, chunks: [], status: 'streaming', error: null });
  }

  function applyDelta(event: MessageDelta): void {
    // A delta that arrives after the final message (or is replayed) changes nothing.
    if (isStored(event.conversationId, event.messageId)) return;
    const draft = ensureDraft(event.conversationId, event.messageId, false);
    draft.chunks[event.index] = event.delta;
  }

  function applyReplyFailed(event: ReplyFailed): void {
    if (isStored(event.conversationId, event.messageId)) return;
    const draft = ensureDraft(event.conversationId, event.messageId, false);
    draft.status = 'failed';
    draft.error = event.error;
  }

  function clearFailedDrafts(conversationId: string): void {
    const bucket = drafts.value[conversationId];
    if (!bucket) return;
    for (const draft of Object.values(bucket)) {
      if (draft.status === 'failed') delete bucket[draft.id];
    }
  }

  // ---- sending ------------------------------------------------------------------------------
  /** Creates a conversation titled after the message, for a send with nothing selected. */
  function createForMessage(content: string): Promise<Conversation> {
    return createConversation(titleFromMessage(content));
  }

  /** Whether the server stored this text as a user message after `afterSeq`. */
  function storedSince(conversationId: string, content: string, afterSeq: number): boolean {
    return Object.values(messages.value[conversationId] ?? {}).some(
      (m) => m.role === 'user' && m.seq > afterSeq && m.content === content,
    );
  }

  async function sendMessage(conversationId: string, content: string): Promise<boolean> {
    if (sending.value[conversationId]) return false;
    sending.value[conversationId] = true;
    delete sendErrors.value[conversationId];
    clearFailedDrafts(conversationId);
    pending.value[conversationId] = { content, sentAt: Date.now() };
    const afterSeq = maxSeq(conversationId);
    try {
      const result = await api.sendMessage(conversationId, content);
      upsertMessage(result.message);
      upsertMessage(result.reply);
      return true;
    } catch (error) {
      // The server may have stored the message before failing (it stopped mid-reply, say): then it
      // answers it itself, or flags it with Retry — sending it again would post it twice.
      await catchUp(conversationId);
      if (!storedSince(conversationId, content, afterSeq))
        sendErrors.value[conversationId] = { error: toApiError(error), content, afterSeq };
      return false;
    } finally {
      delete pending.value[conversationId];
      sending.value[conversationId] = false;
    }
  }

  async function retrySend(conversationId: string): Promise<boolean> {
    const failure = sendErrors.value[conversationId];
    if (!failure) return false;
    // The server may have come back with the message stored after all.
    await catchUp(conversationId);
    if (storedSince(conversationId, failure.content, failure.afterSeq)) {
      delete sendErrors.value[conversationId];
      return true;
    }
    return sendMessage(conversationId, failure.content);
  }

  /** Answers again a message whose reply failed: the failure notice's Retry. */
  async function retryReply(conversationId: string, messageId: string): Promise<boolean> {
    if (retries.value[messageId]?.busy) return false;
    retries.value[messageId] = { busy: true, error: null };
    try {
      const result = await api.retryReply(conversationId, messageId);
      upsertMessage(result.reply);
      delete retries.value[messageId];
      return true;
    } catch (error) {
      retries.value[messageId] = { busy: false, error: toApiError(error).message };
      // Answered or being answered elsewhere (409): show what the server has.
      void catchUp(conversationId);
      return false;
    }
  }

  function dismissSendError(conversationId: string): void {
    delete sendErrors.value[conversationId];
  }

  // ---- composer requests (prefill + focus, consumed by the workspace) ---------------------
  const composerRequest = ref<ComposerRequest | null>(null);
  let composerRequests = 0;

  function requestComposer(conversationId: string | null, text: string): void {
    composerRequests += 1;
    composerRequest.value = { conversationId, text, id: composerRequests };
  }

  /** Hands the pending request to the composer of `conversationId`, once. */
  function takeComposerRequest(conversationId: string | null): ComposerRequest | null {
    const request = composerRequest.value;
    if (!request || request.conversationId !== conversationId) return null;
    composerRequest.value = null;
    return request;
  }

  // ---- views --------------------------------------------------------------------------------
  function timeline(conversationId: string): TimelineItem[] {
    return buildTimeline(
      sortBySeq(Object.values(messages.value[conversationId] ?? {})),
      Object.values(drafts.value[conversationId] ?? {}),
      pending.value[conversationId] ?? null,
      retries.value,
    );
  }

  function isReplying(conversationId: string): boolean {
    return Object.values(drafts.value[conversationId] ?? {}).some((d) => d.status === 'streaming');
  }

  return {
    prefetch,
    byId,
    order,
    list,
    nextCursor,
    hasMore,
    listState,
    listError,
    loadingMore,
    conversationErrors,
    activeId,
    messages,
    messageState,
    messageErrors,
    drafts,
    pending,
    sending,
    sendErrors,
    retries,
    loadConversations,
    loadMoreConversations,
    createConversation,
    createForMessage,
    fetchConversation,
    setActive,
    renameConversation,
    deleteConversation,
    maxSeq,
    upsertMessage,
    loadMessages,
    catchUp,
    applyReplyStarted,
    applyDelta,
    applyReplyFailed,
    sendMessage,
    retrySend,
    retryReply,
    dismissSendError,
    composerRequest,
    requestComposer,
    takeComposerRequest,
    timeline,
    isReplying,
  };
});
