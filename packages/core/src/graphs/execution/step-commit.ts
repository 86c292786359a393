import type { BaseCheckpointSaver, LangGraphRunnableConfig } from '@langchain/langgraph';
import type { StepCommit } from '../../execution/ports.js';

/** What a checkpointer with an outbox offers (our PostgresCheckpointSaver; MemorySaver has none). */
interface OutboxSaver {
  enqueueWithTask(config: LangGraphRunnableConfig, write: (tx: never) => Promise<void>): Promise<void>;
  enqueueStatementWithTask(config: LangGraphRunnableConfig, statement: never): Promise<unknown[]>;
}

const hasOutbox = (saver: BaseCheckpointSaver): saver is BaseCheckpointSaver & OutboxSaver =>
  typeof (saver as Partial<OutboxSaver>).enqueueWithTask === 'function' &&
  typeof (saver as Partial<OutboxSaver>).enqueueStatementWithTask === 'function';

/**
 * Binds a node's bookkeeping to the transaction that saves the node's writes, when the
 * checkpointer can do that; otherwise stores write at once, as before.
 */
export function stepCommitFor(
  saver: BaseCheckpointSaver,
): ((config: LangGraphRunnableConfig) => StepCommit) | undefined {
  if (!hasOutbox(saver)) return undefined;
  return (config) => ({
    withStep: (write) => saver.enqueueWithTask(config, write as (tx: never) => Promise<void>),
    withStatement: (statement) => saver.enqueueStatementWithTask(config, statement as never),
  });
}
