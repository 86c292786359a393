import type { IntentResult } from '@orchestrator/contracts';

export interface HistoryTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** The latest message and the turns before it (oldest first). */
export interface IntentInput {
  text: string;
  history: HistoryTurn[];
}

/** Classifies one message in its conversation (docs/offline-intent-model.md). Never throws for model problems. */
export interface IntentClassifier {
  classify(input: IntentInput): Promise<IntentResult>;
}

export type { IntentResult };
