import { randomUUID } from 'node:crypto';
import { HumanMessage, type BaseMessage } from '@langchain/core/messages';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { Message } from '@orchestrator/contracts';
import type { ConversationGraphDeps, ConversationRunContext } from '../graphs/conversation/deps.js';
import type { ConversationStateType } from '../graphs/conversation/state.js';
import { buildConversationGraph, type ConversationGraph } from '../graphs/conversation/graph.js';
import type { TextStreamEvent } from '../llm/stream.js';
import { redact } from '../security/redact.js';
import { classifyReplyError, INTERRUPTED, type ReplyError } from './errors.js';
import { KeyedLock } from './keyed-lock.js';
import type { MessageStore, OrchestratorEvents, PendingReply } from './ports.js';

export interface OrchestratorDeps extends ConversationGraphDeps {
  checkpointer: BaseCheckpointSaver;
  messages: MessageStore;
  events: OrchestratorEvents;
  /** Upper bound for one reply, LLM included. */
  replyTimeoutMs?: number;
  onError?: (err: unknown, context: ConversationRunContext) => void;
}

export interface UserMessageInput {
  workspaceId: string;
  conversationId: string;
  userId: string | null;
  content: string;
}

export interface UserMessageResult {
  message: Message;
  reply: Message;
}

/** LangGraph thread of a conversation: namespaced so project threads can never collide. */
export const conversationThreadId = (conversationId: string) => `conversation:${conversationId}`;

/**
 * A message whose process died more often than this while answering it gets a failure notice
 * (with Retry) instead of another attempt: it may be what kills the process.
 */
export const MAX_RECOVERIES = 2;

type GraphInput = { messages: BaseMessage[] } | null;
type TurnValues = Partial<ConversationStateType>;

/** The stored message a graph message stands for: its id, or its id with a `:<retry>` suffix. */
const turnOf = (id: string | undefined) => id?.split(':')[0];

/**
 * The single entry point for user messages (docs/architecture.md#a-message-end-to-end): stores the
 * message, runs it through the conversation graph (checkpointed per conversation), streams the reply and stores it.
 * Framework-free: Nest, a worker, tests and benchmarks all drive it the same way.
 *
 * Every accepted message ends with a stored reply or a failure notice, both pointing back at it
 * (`replyTo`). Until then its reply is pending in the store, so a process that dies mid-reply
 * leaves it behind for `resume` (docs/operations.md → Chat replies after a crash).
 */
export class OrchestratorFacade {
  private readonly graph: ConversationGraph;
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: OrchestratorDeps) {
    this.graph = buildConversationGraph(deps, deps.checkpointer);
  }

  get llmInfo() {
    return this.deps.llm.info;
  }

  /** Stores the message and answers it; resolves when the reply is stored. */
  async handleUserMessage(input: UserMessageInput): Promise<UserMessageResult> {
    const { message, reply } = await this.accept(input);
    return { message, reply: await reply };
  }

  /**
   * Stores the message and starts answering it; resolves as soon as the message is stored.
   * The stored message comes first and outside the lock: an accepted message is never lost,
   * even if answering fails. Replies within one conversation are produced in arrival order.
   * A pasted secret is taken out before anything stores it or sends it to a model; the stored
   * message says so (`secretsRedacted`), and the chat shows a warning.
   */
  async accept(input: UserMessageInput): Promise<{ message: Message; reply: Promise<Message> }> {
    const { text: content, count } = redact(input.content);
    const replyId = randomUUID();
    const message = await this.deps.messages.append({
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      role: 'user',
      content,
      authorUserId: input.userId,
      pendingReplyId: replyId,
      ...(count > 0 ? { metadata: { secretsRedacted: count } } : {}),
    });
    this.deps.events.messageCreated(input.workspaceId, message);
    const pending: PendingReply = {
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      userId: input.userId,
      messageId: message.id,
      content,
      replyId,
      recoveries: 0,
    };
    const reply = this.lock.run(input.conversationId, () => this.answer(pending, 'new'));
    return { message, reply };
  }

  /**
   * Answers a pending reply again — after its process died, or on Retry — without storing the
   * message again. The graph continues from the checkpoint the turn reached, so what a finished
   * node did (a stored plan, a started build) is not done twice.
   */
  resume(pending: PendingReply): Promise<Message> {
    return this.lock.run(pending.conversationId, () =>
      pending.recoveries > MAX_RECOVERIES ? this.fail(pending, INTERRUPTED) : this.answer(pending, 'resume'),
    );
  }

  private async answer(p: PendingReply, mode: 'new' | 'resume'): Promise<Message> {
    const { workspaceId, conversationId, replyId } = p;
    const offline = this.deps.llm.info.offline;
    this.deps.events.replyStarted(workspaceId, { conversationId, messageId: replyId, offline });
    const context: ConversationRunContext = { workspaceId, conversationId, userId: p.userId };
    const configurable = { thread_id: conversationThreadId(conversationId), ...context };
    try {
      const point = mode === 'new' ? { input: this.turnInput(p, false) } : await this.resumePoint(p, configurable);
      const final = 'values' in point ? point.values : await this.run(p, point.input, configurable);
      if (!final.reply) throw new Error('The conversation graph finished without a reply');
      const producedOffline = final.offline ?? offline;
      const reply = await this.deps.messages.append({
        id: replyId,
        workspaceId,
        conversationId,
        role: 'assistant',
        agentName: final.replyAgent ?? 'ceo_orchestrator',
        content: final.reply,
        replyTo: p.messageId,
        metadata: {
          ...(final.replyMeta ?? {}),
          intent: final.replyIntent,
          offline: producedOffline,
          model: producedOffline ? 'offline' : `${this.deps.llm.info.provider}/${this.deps.llm.info.model}`,
        },
      });
      const delegation = final.replyMeta?.delegation as { id?: string } | undefined;
      if (delegation?.id) await this.deps.delegations.attachMessage(workspaceId, delegation.id, reply.id);
      this.deps.events.messageCreated(workspaceId, reply);
      return reply;
    } catch (err) {
      this.deps.onError?.(err, context);
      return this.fail(p, classifyReplyError(err));
    }
  }

  /** The failure notice: kept in the conversation so it is visible after a reload, with Retry. */
  private async fail(p: PendingReply, error: ReplyError): Promise<Message> {
    const { workspaceId, conversationId, replyId } = p;
    this.deps.events.replyFailed(workspaceId, { conversationId, messageId: replyId, error });
    const notice = await this.deps.messages.append({
      id: replyId,
      workspaceId,
      conversationId,
      role: 'system',
      content: error.message,
      replyTo: p.messageId,
      metadata: { error: error.code },
    });
    this.deps.events.messageCreated(workspaceId, notice);
    return notice;
  }

  /** The message as the graph's next turn; a message already in its memory gets a fresh id (ids replace). */
  private turnInput(p: PendingReply, seen: boolean): GraphInput {
    const id = seen ? `${p.messageId}:${randomUUID()}` : p.messageId;
    return { messages: [new HumanMessage({ content: p.content, id })] };
  }

  /**
   * Where a pending turn stands in its checkpoint: still running (continue it), finished but not
   * stored (take its reply), or not there (run it as the next turn).
   */
  private async resumePoint(
    p: PendingReply,
    configurable: Record<string, unknown>,
  ): Promise<{ input: GraphInput } | { values: TurnValues }> {
    const snapshot = await this.graph.getState({ configurable });
    const values = snapshot.values as TurnValues;
    const messages = values.messages ?? [];
    const lastHuman = [...messages].reverse().find((m) => m.getType() === 'human');
    if (turnOf(lastHuman?.id) === p.messageId) {
      if (snapshot.next.length > 0) return { input: null };
      if (values.reply) return { values };
    }
    return {
      input: this.turnInput(
        p,
        messages.some((m) => m.id === p.messageId),
      ),
    };
  }

  /** Runs (or continues) the turn, forwarding its deltas; the final state values. */
  private async run(p: PendingReply, input: GraphInput, configurable: Record<string, unknown>): Promise<TurnValues> {
    let index = 0;
    const stream = await this.graph.stream(input, {
      configurable,
      streamMode: ['custom', 'values'],
      // Each node's checkpoint is saved before the next node starts: a process that dies while
      // `speak` streams resumes after the node that stored a plan or started a build, not before it.
      durability: 'sync',
      signal: AbortSignal.timeout(this.deps.replyTimeoutMs ?? 120_000),
    });
    let final: TurnValues = {};
    for await (const [mode, payload] of stream) {
      if (mode === 'custom') {
        const event = payload as TextStreamEvent;
        if (event.type === 'delta')
          this.deps.events.delta(p.workspaceId, {
            conversationId: p.conversationId,
            messageId: p.replyId,
            index: index++,
            delta: event.text,
          });
      } else {
        final = payload as TurnValues;
      }
    }
    return final;
  }
}
