import type { BaseCheckpointSaver, LangGraphRunnableConfig } from '@langchain/langgraph';
import type { StepCommit } from '../../execution/ports.js';

/** What a checkpointer with an outbox offers (our PostgresCheckpointSaver; MemorySaver has none). */
interface OutboxSaver {
  enqueueWithTask(config: LangGraphRunnableConfig, write: (tx: never) => Promise<void>): Promise<void>;
  enqueueStatementWithTask(config: LangGraphRunnableConfig, statement: never): Promise<unknown[]>;
  enqueue(threadId: string, write: (tx: never) => Promise<void>): Promise<void>;
  enqueueStatement(threadId: string, statement: never): Promise<unknown[]>;
}

const hasOutbox = (saver: BaseCheckpointSaver): saver is BaseCheckpointSaver & OutboxSaver =>
  typeof (saver as Partial<OutboxSaver>).enqueueWithTask === 'function' &&
  typeof (saver as Partial<OutboxSaver>).enqueueStatementWithTask === 'function' &&
  typeof (saver as Partial<OutboxSaver>).enqueue === 'function' &&
  typeof (saver as Partial<OutboxSaver>).enqueueStatement === 'function';

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

/**
 * Binds bookkeeping to the thread's next checkpoint (written by the code driving the run, e.g.
 * with a run's first input), when the checkpointer can do that.
 */
export function checkpointCommitFor(saver: BaseCheckpointSaver): ((threadId: string) => StepCommit) | undefined {
  if (!hasOutbox(saver)) return undefined;
  return (threadId) => ({
    withStep: (write) => saver.enqueue(threadId, write as (tx: never) => Promise<void>),
    withStatement: (statement) => saver.enqueueStatement(threadId, statement as never),
  });
}
