import {
  TASKS,
  compareWritesSortKeys,
  maxChannelVersion,
  writesSortKey,
  type Checkpoint,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import type { ReadRow } from './sql.js';

type Version = string | number;

/** Key of a row set for one checkpoint, or for one stored value (channel + version). */
const key = (...parts: (string | null)[]) => JSON.stringify(parts);

interface WriteRow {
  taskId: string;
  channel: string;
  type: string;
  path: string;
  idx: number;
  blob: Uint8Array;
}

/**
 * node-postgres returns bytea as a Buffer; values stored as raw bytes must come back as the
 * plain Uint8Array they were (a zero-copy view of the same memory).
 */
const bytes = (blob: Buffer | null): Uint8Array =>
  blob === null ? new Uint8Array(0) : new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);

function writeRow(row: ReadRow): WriteRow {
  return {
    taskId: row.a ?? '',
    channel: row.b ?? '',
    type: row.c ?? '',
    path: row.d ?? '',
    idx: row.idx ?? 0,
    blob: bytes(row.blob),
  };
}

/** Live execution applies a superstep's writes in (task_path, task_id, idx) order; replay must too. */
function sortWrites(writes: WriteRow[]): WriteRow[] {
  return writes.sort((x, y) =>
    compareWritesSortKeys(writesSortKey(x.path, x.taskId, x.idx), writesSortKey(y.path, y.taskId, y.idx)),
  );
}

export interface DecodeContext {
  serde: SerializerProtocol;
  /** Version for the pending-sends channel of a pre-v4 checkpoint that has no versions yet. */
  firstVersion: () => Version;
}

/** The key columns of a decoded checkpoint, for list()'s keyset cursor. */
export interface CheckpointKey {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
}

/**
 * Turns the rows of readQuery into tuples, newest first. Each tuple gets its own deserialized
 * objects, even when checkpoints share a stored value, so callers may mutate them freely.
 */
export async function decodeRows(
  rows: ReadRow[],
  ctx: DecodeContext,
): Promise<Array<{ key: CheckpointKey; tuple: CheckpointTuple }>> {
  const checkpoints: ReadRow[] = [];
  const values = new Map<string, ReadRow>();
  const writes = new Map<string, WriteRow[]>();
  const sends = new Map<string, WriteRow[]>();
  for (const row of rows) {
    if (row.kind === 0) checkpoints.push(row);
    else if (row.kind === 1) values.set(key(row.thread_id, row.checkpoint_ns, row.a, row.b), row);
    else {
      const target = row.kind === 2 ? writes : sends;
      const k = key(row.thread_id, row.checkpoint_ns, row.checkpoint_id);
      const list = target.get(k);
      if (list) list.push(writeRow(row));
      else target.set(k, [writeRow(row)]);
    }
  }
  checkpoints.sort((x, y) => (x.idx ?? 0) - (y.idx ?? 0));
  return Promise.all(
    checkpoints.map(async (row) => {
      const id = row.checkpoint_id ?? '';
      const cpKey = key(row.thread_id, row.checkpoint_ns, id);
      const stored = JSON.parse(row.b ?? '{}') as Omit<Checkpoint, 'channel_values'>;
      const checkpoint: Checkpoint = {
        ...stored,
        channel_versions: stored.channel_versions ?? {},
        versions_seen: stored.versions_seen ?? {},
        channel_values: {},
      };
      const loads: Array<Promise<void>> = [];
      for (const [channel, version] of Object.entries(checkpoint.channel_versions)) {
        const value = values.get(key(row.thread_id, row.checkpoint_ns, channel, String(version)));
        if (!value || value.c === 'empty' || value.blob === null) continue;
        loads.push(
          ctx.serde.loadsTyped(value.c ?? '', bytes(value.blob)).then((v: unknown) => {
            checkpoint.channel_values[channel] = v;
          }),
        );
      }
      await Promise.all(loads);
      const pendingSends = sends.get(cpKey);
      if (pendingSends && pendingSends.length > 0) await migratePendingSends(checkpoint, sortWrites(pendingSends), ctx);
      const pendingWrites = await Promise.all(
        sortWrites(writes.get(cpKey) ?? []).map(async (w): Promise<CheckpointPendingWrite> => [
          w.taskId,
          w.channel,
          await ctx.serde.loadsTyped(w.type, w.blob),
        ]),
      );
      const configurable = { thread_id: row.thread_id, checkpoint_ns: row.checkpoint_ns, checkpoint_id: id };
      const tuple: CheckpointTuple = {
        config: { configurable },
        checkpoint,
        metadata: await ctx.serde.loadsTyped('json', row.c ?? '{}'),
        parentConfig: row.a ? { configurable: { ...configurable, checkpoint_id: row.a } } : undefined,
        pendingWrites,
      };
      return { key: configurable, tuple };
    }),
  );
}

/**
 * Before checkpoint format v4, pending Sends lived as TASKS writes on the parent checkpoint;
 * v4 keeps them as a channel. Old checkpoints are presented in the new shape, as the other
 * savers do, so a thread written by an older LangGraph still resumes.
 */
async function migratePendingSends(checkpoint: Checkpoint, pending: WriteRow[], ctx: DecodeContext): Promise<void> {
  checkpoint.channel_values[TASKS] = await Promise.all(pending.map((w) => ctx.serde.loadsTyped(w.type, w.blob)));
  const versions = Object.values(checkpoint.channel_versions);
  checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : ctx.firstVersion();
}
