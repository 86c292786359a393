import type { Message, MessageRole } from '@orchestrator/contracts';

/** A reply being streamed: chunks are kept by `index` so late or repeated deltas land in place. */
export interface ReplyDraft {
  id: string;
  conversationId: string;
  chunks: string[];
  offline: boolean;
  status: 'streaming' | 'failed';
  error: { code: string; message: string } | null;
  startedAt: number;
}

/** The user's message between pressing send and the server storing it. */
export interface PendingMessage {
  content: string;
  sentAt: number;
}

/** One row of the chat log, whatever its origin (stored, streaming, failed, not yet stored). */
export interface TimelineItem {
  key: string;
  role: MessageRole;
  agentName: string | null;
  content: string;
  offline: boolean;
  createdAt: string | null;
  state: 'stored' | 'streaming' | 'failed' | 'pending';
  error: string | null;
}

export function draftContent(draft: ReplyDraft): string {
  // Holes (a chunk that has not arrived) are skipped rather than rendered as "undefined".
  return draft.chunks.filter((chunk): chunk is string => typeof chunk === 'string').join('');
}

export function sortBySeq(messages: Iterable<Message>): Message[] {
  return [...messages].sort((a, b) => a.seq - b.seq);
}

export function buildTimeline(
  messages: Message[],
  drafts: ReplyDraft[],
  pending: PendingMessage | null,
): TimelineItem[] {
  const items: TimelineItem[] = messages.map((m) => ({
    key: m.id,
    role: m.role,
    agentName: m.agentName,
    content: m.content,
    offline: m.metadata.offline === true,
    createdAt: m.createdAt,
    state: 'stored',
    error: null,
  }));
  if (pending) {
    items.push({
      key: `pending-${pending.sentAt}`,
      role: 'user',
      agentName: null,
      content: pending.content,
      offline: false,
      createdAt: null,
      state: 'pending',
      error: null,
    });
  }
  for (const draft of [...drafts].sort((a, b) => a.startedAt - b.startedAt)) {
    items.push({
      // Same key as the stored reply that replaces it, so the element is reused, not remounted.
      key: draft.id,
      role: 'assistant',
      agentName: null,
      content: draftContent(draft),
      offline: draft.offline,
      createdAt: null,
      state: draft.status,
      error: draft.error?.message ?? null,
    });
  }
  return items;
}

/** A short conversation title from the first line of the first message. */
export function titleFromMessage(content: string, max = 80): string {
  const firstLine = content.trim().split('\n')[0]?.trim() ?? '';
  if (firstLine.length <= max) return firstLine || 'New conversation';
  return `${firstLine.slice(0, max - 1).trimEnd()}…`;
}
