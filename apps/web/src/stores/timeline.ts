import {
  DelegationInfoSchema,
  UuidSchema,
  type DelegationInfo,
  type Message,
  type MessageAuthor,
  type MessageRole,
} from '@orchestrator/contracts';

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
  /** The person who wrote it (stored messages only: the one being sent is the user's own). */
  author: MessageAuthor | null;
  /** What the orchestrator understood the message to ask (stored replies only). */
  intent: string | null;
  /** The plan version this reply presented: rendered as a plan card. */
  project: { id: string; version: number } | null;
  /** Who did the work, when an agent did. */
  delegation: DelegationInfo | null;
  /** A context agent's text written by the offline model: a draft, not model output. */
  offlineDraft: boolean;
  /** The agent build this reply started (BUILD_AGENT): rendered as a build progress card. */
  agentBuildId: string | null;
  /** The improvement this reply proposed or pointed to (IMPROVE_AGENT): rendered as a decision card. */
  improvement: ChatImprovementRef | null;
  /** Secrets taken out of this user message before it was stored: the person is warned. */
  secretsRedacted: number;
  /** A failure notice whose message is still unanswered: it offers Retry. */
  retry: ({ messageId: string } & RetryState) | null;
}

/** A Retry in progress or failed, by the id of the message being answered again. */
export interface RetryState {
  busy: boolean;
  error: string | null;
}

export interface ChatImprovementRef {
  id: string;
  approvalId: string | null;
}

const NO_EXTRAS = {
  author: null,
  intent: null,
  project: null,
  delegation: null,
  offlineDraft: false,
  agentBuildId: null,
  improvement: null,
  secretsRedacted: 0,
  retry: null,
} as const;

/** Parsed once per metadata object: the timeline is rebuilt on every delta. */
const delegationCache = new WeakMap<object, DelegationInfo | null>();

function delegationOf(message: Message): DelegationInfo | null {
  const raw = message.metadata.delegation;
  if (!raw) return null;
  let parsed = delegationCache.get(raw);
  if (parsed === undefined) {
    const result = DelegationInfoSchema.safeParse(raw);
    // A malformed block is left out rather than shown half-right; the text still shows.
    if (!result.success) console.warn('[timeline] ignored malformed delegation metadata', result.error.issues);
    parsed = result.success ? result.data : null;
    delegationCache.set(raw, parsed);
  }
  return parsed;
}

function improvementOf(message: Message): ChatImprovementRef | null {
  const ref = message.metadata.improvement;
  if (!ref || !UuidSchema.safeParse(ref.id).success) return null;
  return {
    id: ref.id,
    approvalId: ref.approvalId !== null && UuidSchema.safeParse(ref.approvalId).success ? ref.approvalId : null,
  };
}

/** The user messages that have a reply (not just a failure notice): those need no Retry. */
function answeredIds(messages: Message[]): Set<string> {
  const answered = new Set<string>();
  for (const m of messages) if (m.role !== 'system' && m.metadata.replyTo) answered.add(m.metadata.replyTo);
  return answered;
}

function extrasOf(
  message: Message,
  answered: ReadonlySet<string>,
  retries: Readonly<Record<string, RetryState>>,
): Omit<TimelineItem, 'key' | 'role' | 'agentName' | 'content' | 'offline' | 'createdAt' | 'state' | 'error'> {
  const { intent, project, offlineDraft, agentBuildId, secretsRedacted, replyTo, error } = message.metadata;
  const retryable = message.role === 'system' && !!error && !!replyTo && !answered.has(replyTo);
  return {
    author: message.author,
    intent: intent ?? null,
    project: project ? { id: project.id, version: project.version } : null,
    delegation: delegationOf(message),
    offlineDraft: offlineDraft === true,
    agentBuildId: UuidSchema.safeParse(agentBuildId).success ? (agentBuildId as string) : null,
    improvement: improvementOf(message),
    secretsRedacted: message.role === 'user' ? (secretsRedacted ?? 0) : 0,
    retry: retryable ? { messageId: replyTo, busy: false, error: null, ...retries[replyTo] } : null,
  };
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
  retries: Readonly<Record<string, RetryState>> = {},
): TimelineItem[] {
  const answered = answeredIds(messages);
  const items: TimelineItem[] = messages.map((m) => ({
    key: m.id,
    role: m.role,
    agentName: m.agentName,
    content: m.content,
    offline: m.metadata.offline === true,
    createdAt: m.createdAt,
    state: 'stored',
    error: null,
    ...extrasOf(m, answered, retries),
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
      ...NO_EXTRAS,
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
      ...NO_EXTRAS,
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
