import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';

/** One scripted turn: the text to return, or an error to throw, with optional usage and delay. */
export type ScriptedTurn =
  string | Error | { content: string; inputTokens?: number; outputTokens?: number; delayMs?: number };

/**
 * A deterministic chat model for tests: returns the scripted turns in order, streams them word by
 * word, reports token usage, and records the prompts it was given.
 */
export class ScriptedChatModel extends BaseChatModel {
  readonly prompts: BaseMessage[][] = [];
  private turn = 0;

  constructor(
    private readonly script: ScriptedTurn[],
    params: BaseChatModelParams = {},
  ) {
    super(params);
  }

  _llmType(): string {
    return 'scripted';
  }

  private next(messages: BaseMessage[]): {
    content: string;
    inputTokens: number;
    outputTokens: number;
    delayMs: number;
  } {
    this.prompts.push(messages);
    const turn = this.script[this.turn++];
    if (turn === undefined) throw new Error(`ScriptedChatModel: no scripted turn left (called ${this.turn} times)`);
    if (turn instanceof Error) throw turn;
    const t = typeof turn === 'string' ? { content: turn } : turn;
    const words = t.content.split(/\s+/).filter(Boolean).length;
    return {
      content: t.content,
      inputTokens: t.inputTokens ?? 10,
      outputTokens: t.outputTokens ?? words,
      delayMs: t.delayMs ?? 0,
    };
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const t = this.next(messages);
    if (t.delayMs) await new Promise((r) => setTimeout(r, t.delayMs));
    const usage = {
      input_tokens: t.inputTokens,
      output_tokens: t.outputTokens,
      total_tokens: t.inputTokens + t.outputTokens,
    };
    return {
      generations: [{ text: t.content, message: new AIMessage({ content: t.content, usage_metadata: usage }) }],
    };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    _options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const t = this.next(messages);
    if (t.delayMs) await new Promise((r) => setTimeout(r, t.delayMs));
    const pieces = t.content.match(/\S+\s*|\s+/g) ?? [];
    for (const [i, piece] of pieces.entries()) {
      const last = i === pieces.length - 1;
      const chunk = new ChatGenerationChunk({
        text: piece,
        message: new AIMessageChunk({
          content: piece,
          usage_metadata: last
            ? {
                input_tokens: t.inputTokens,
                output_tokens: t.outputTokens,
                total_tokens: t.inputTokens + t.outputTokens,
              }
            : undefined,
        }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken(piece);
    }
  }
}
