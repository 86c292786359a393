import { randomUUID } from 'node:crypto';
import { HumanMessage } from '@langchain/core/messages';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { Message } from '@orchestrator/contracts';
import type {
  ConversationGraphDeps,
  ConversationRunContext,
  ConversationStreamEvent,
} from '../graphs/conversation/deps.js';
import type { ConversationStateType } from '../graphs/conversation/state.js';
import { buildConversationGraph, type ConversationGraph } from '../graphs/conversation/graph.js';
import { redact } from '../security/redact.js';
import { classifyReplyError } from './errors.js';
import { KeyedLock } from './keyed-lock.js';
import type { MessageStore, OrchestratorEvents } from './ports.js';

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
 * The single entry point for user messages (SPEC §3.1): stores the message, runs it through the
 * conversation graph (checkpointed per conversation), streams the reply and stores it.
 * Framework-free: Nest, a worker, tests and benchmarks all drive it the same way.
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
    const message = await this.deps.messages.append({
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      role: 'user',
      content,
      authorUserId: input.userId,
      ...(count > 0 ? { metadata: { secretsRedacted: count } } : {}),
    });
    this.deps.events.messageCreated(input.workspaceId, message);
    const reply = this.lock.run(input.conversationId, () => this.answer({ ...input, content }));
    return { message, reply };
  }

  private async answer(input: UserMessageInput): Promise<Message> {
    const { workspaceId, conversationId } = input;
    const replyId = randomUUID();
    const offline = this.deps.llm.info.offline;
    this.deps.events.replyStarted(workspaceId, { conversationId, messageId: replyId, offline });
    const context: ConversationRunContext = { workspaceId, conversationId, userId: input.userId };
    try {
      let index = 0;
      const stream = await this.graph.stream(
        { messages: [new HumanMessage(input.content)] },
        {
          configurable: { thread_id: conversationThreadId(conversationId), ...context },
          streamMode: ['custom', 'values'],
          signal: AbortSignal.timeout(this.deps.replyTimeoutMs ?? 120_000),
        },
      );
      let final: Partial<ConversationStateType> = {};
      for await (const [mode, payload] of stream) {
        if (mode === 'custom') {
          const event = payload as ConversationStreamEvent;
          if (event.type === 'delta')
            this.deps.events.delta(workspaceId, {
              conversationId,
              messageId: replyId,
              index: index++,
              delta: event.text,
            });
        } else {
          final = payload as typeof final;
        }
      }
      if (!final.reply) throw new Error('The conversation graph finished without a reply');
      const producedOffline = final.offline ?? offline;
      const reply = await this.deps.messages.append({
        id: replyId,
        workspaceId,
        conversationId,
        role: 'assistant',
        agentName: final.replyAgent ?? 'ceo_orchestrator',
        content: final.reply,
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
      const error = classifyReplyError(err);
      this.deps.events.replyFailed(workspaceId, { conversationId, messageId: replyId, error });
      // Kept in the conversation so the failure is visible after a reload, not only live.
      const notice = await this.deps.messages.append({
        id: replyId,
        workspaceId,
        conversationId,
        role: 'system',
        content: error.message,
        metadata: { error: error.code },
      });
      this.deps.events.messageCreated(workspaceId, notice);
      return notice;
    }
  }
}
