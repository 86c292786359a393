import { emptyCheckpoint, uuid6, type Checkpoint, type CheckpointMetadata } from '@langchain/langgraph-checkpoint';
import type { RunnableConfig } from '@langchain/core/runnables';

let counter = 0;

/** A unique thread id shaped like the ones project runs use. */
export const threadId = () => `project:${uuid6(-1)}-${++counter}`;

export function checkpoint(values: Record<string, unknown> = {}, versions: Record<string, number> = {}): Checkpoint {
  return { ...emptyCheckpoint(), id: uuid6(-1), channel_values: values, channel_versions: versions };
}

export const metadata = (step: number, source: CheckpointMetadata['source'] = 'loop'): CheckpointMetadata => ({
  source,
  step,
  parents: {},
});

export const config = (thread: string, checkpointNs = '', checkpointId?: string): RunnableConfig => ({
  configurable: {
    thread_id: thread,
    checkpoint_ns: checkpointNs,
    ...(checkpointId ? { checkpoint_id: checkpointId } : {}),
  },
});
