import type { LangGraphRunnableConfig } from '@langchain/langgraph';
/** Custom stream events a graph node writes; the orchestrator facade forwards them as socket deltas. */
export type TextStreamEvent = { type: 'delta'; text: string };

const emit = (config: LangGraphRunnableConfig, event: TextStreamEvent) => config.writer?.(event);

/** Splits text into small pieces (a few words, whitespace kept) for chunked streaming. */
export function chunkText(text: string, wordsPerChunk = 3): string[] {
  const tokens = text.match(/\S+\s*|\s+/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < tokens.length; i += wordsPerChunk) chunks.push(tokens.slice(i, i + wordsPerChunk).join(''));
  return chunks;
}

/** Streams a computed reply chunk by chunk: how the offline model "speaks". */
export async function streamComputedText(
  config: LangGraphRunnableConfig,
  text: string,
  delayMs: number,
): Promise<void> {
  for (const chunk of chunkText(text)) {
    emit(config, { type: 'delta', text: chunk });
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  }
}

export const emitDelta = (config: LangGraphRunnableConfig, text: string) => emit(config, { type: 'delta', text });
