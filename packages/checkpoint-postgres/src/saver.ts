import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  ERROR,
  INTERRUPT,
  RESUME,
  WRITES_IDX_MAP,
  getCheckpointId,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import type pg from 'pg';
import { WriteBatcher, type WriteBatch, type WriteRow } from './batch.js';
import { OutboxWriteDropped } from './errors.js';
import { HeldThreads } from './held.js';
import { Outbox, commitWithOutbox, type AnyOutboxStatement, type OutboxEntry, type OutboxWrite } from './outbox.js';
import { pruneAll, pruneThread, type PruneAllOptions, type PruneResult, type PruneThreadOptions } from './retention.js';
import { decodeRows, type CheckpointKey, type DecodeContext } from './rows.js';
import {
  DELETE_THREAD,
  fuse,
  putParts,
  putWritesParts,
  readQuery,
  statement,
  type ReadRow,
  type StatementParts,
} from './sql.js';

export interface PostgresCheckpointSaverOptions {
  serde?: SerializerProtocol;
  /** Checkpoints fetched per query while list() iterates (keyset pagination). Default 100. */
  listPageSize?: number;
  /**
   * Use named prepared statements (parsed once per connection). Default true; turn off behind
   * a transaction-mode pooler such as Supabase's port 6543, which cannot keep them.
   */
  prepareStatements?: boolean;
  /**
   * How long a finished task's writes may wait to share a commit with its siblings' and the
   * superstep's checkpoint (group commit, see WriteBatcher). Default 2 ms; 0 waits only for the
   * current turn of the event loop (enough when a superstep has one task).
   */
  groupCommitMs?: number;
}

export interface EnqueueOptions {
  /** Namespace whose next checkpoint carries the write; default the root graph's (''). */
  checkpointNs?: string;
  /** Idempotency key: a newer write with the same key replaces a queued one (e.g. on retry). */
  key?: string;
}

/** LangGraph puts the running task's id in the node's config under this key. */
const TASK_ID_KEY = '__pregel_task_id';
const slotOfNamespace = (ns: string) => `ns:${ns}`;
const slotOfTask = (taskId: string) => `task:${taskId}`;

/**
 * Channels that are not a task's output (LangGraph's isTaskOutput). On resume LangGraph skips
 * every task that saved at least one other write — even one that also saved an error because
 * a sibling's failure aborted it after it finished — and re-runs the others.
 */
const NOT_OUTPUT = new Set<string>([ERROR, '__error_source_node__', INTERRUPT, RESUME]);

type Configurable = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  value === undefined || value === null || value === '' ? undefined : String(value);

/** JSON for a jsonb column: Postgres rejects the NUL escape, so it is dropped (an escaped backslash before it is kept). */
const jsonbSafe = (json: string) => json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1');

/**
 * LangGraph checkpointer for project runs, over tables of its own (schema `checkpoints`).
 * Compared with PostgresSaver: put, putWrites, getTuple and deleteThread are each one
 * statement (one round trip), values are read back as plain bytea, list() pages through
 * history, and channel versions carry a random fraction so a fork never reuses a version.
 * Plus an outbox committed with the checkpoint, and retention.
 */
export class PostgresCheckpointSaver extends BaseCheckpointSaver {
  private readonly outbox = new Outbox();
  private readonly batcher: WriteBatcher;
  private readonly pageSize: number;
  private readonly prepare: boolean;
  private readonly decode: DecodeContext;
  /** Set on a saver made by within(): every statement runs in that client's open transaction. */
  private client?: pg.PoolClient;
  /** Shared with the savers made by within(), so their writes count too. */
  private held = new HeldThreads();

  constructor(
    readonly pool: pg.Pool,
    private readonly options: PostgresCheckpointSaverOptions = {},
  ) {
    super(options.serde);
    this.pageSize = options.listPageSize ?? 100;
    this.prepare = options.prepareStatements ?? true;
    this.batcher = new WriteBatcher((batch) => this.saveWrites(batch), options.groupCommitMs ?? 2);
    this.decode = { serde: this.serde, firstVersion: () => this.getNextVersion(undefined) };
  }

  /**
   * The same saver, writing through `client` inside the caller's open transaction: what it saves
   * (checkpoints, writes, outbox) commits or rolls back with the caller's other changes, and its
   * reads see the transaction's own writes. For a change that must be all or nothing together with
   * rows of the caller's (a project rolled back to a checkpoint: the new checkpoint, the step
   * reset, the audit entry and the status). Outbox functions run in a savepoint instead of a
   * transaction of their own, and their promises settle when the savepoint is released: whether
   * they commit is then the caller's transaction's outcome. Retention still runs on the pool.
   */
  within(client: pg.PoolClient): PostgresCheckpointSaver {
    const bound = new PostgresCheckpointSaver(this.pool, this.options);
    bound.client = client;
    bound.held = this.held;
    return bound;
  }

  /**
   * The caller is the only writer of the thread until release() (a project's run under the
   * project's lock): its latest checkpoint is then read from Postgres once and kept until this
   * saver writes the thread, so the reads a run makes before it writes (its open questions,
   * LangGraph's own when the stream begins) cost one round trip. Holds nest; every hold needs
   * its release. A thread written by anything else while held would be read stale.
   */
  hold(threadId: string): void {
    this.held.hold(threadId);
  }

  release(threadId: string): void {
    this.held.release(threadId);
  }

  /** Where statements run: the caller's transaction (within()) or the pool. */
  private get db(): Pick<pg.Pool, 'query'> {
    return this.client ?? this.pool;
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const c: Configurable = config.configurable ?? {};
    const threadId = text(c.thread_id);
    if (threadId === undefined) return undefined;
    const ns = String(c.checkpoint_ns ?? '');
    const checkpointId = getCheckpointId(config) || undefined;
    const held = checkpointId === undefined ? this.held.read(threadId, ns) : undefined;
    if (held && 'rows' in held) return (await decodeRows(held.rows, this.decode))[0]?.tuple;
    // Writes still held for a group commit must be visible to a read (their own caller sees any failure).
    await this.batcher.flush(threadId).catch(() => undefined);
    const params: unknown[] = [threadId, ns];
    let where = 'where thread_id = $1 and checkpoint_ns = $2';
    if (checkpointId !== undefined) {
      params.push(checkpointId);
      where += ' and checkpoint_id = $3';
    }
    const { rows } = await this.db.query<ReadRow>(statement(readQuery(where, '1'), params, this.prepare));
    held?.keep(rows);
    const [first] = await decodeRows(rows, this.decode);
    return first?.tuple;
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const c: Configurable = config.configurable ?? {};
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (condition: (p: string) => string, value: unknown) => {
      params.push(value);
      conditions.push(condition(`$${params.length}`));
    };
    const threadId = text(c.thread_id);
    await this.batcher.flush(threadId).catch(() => undefined);
    if (threadId !== undefined) add((p) => `thread_id = ${p}`, threadId);
    const ns = c.checkpoint_ns;
    if (ns !== undefined && ns !== null) add((p) => `checkpoint_ns = ${p}`, String(ns));
    const checkpointId = text(c.checkpoint_id);
    if (checkpointId !== undefined) add((p) => `checkpoint_id = ${p}`, checkpointId);
    if (options.filter && Object.keys(options.filter).length > 0)
      add((p) => `metadata @> ${p}::jsonb`, jsonbSafe(JSON.stringify(options.filter)));
    const before = text(options.before?.configurable?.checkpoint_id);
    if (before !== undefined) add((p) => `checkpoint_id < ${p}`, before);

    // Keyset pagination: within one thread+namespace the id alone orders rows; across threads
    // or namespaces the same id can repeat, so the cursor is the whole order key.
    const singleSeries = threadId !== undefined && ns !== undefined && ns !== null;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    let cursor: CheckpointKey | undefined;
    while (remaining > 0) {
      const pageParams = [...params];
      const pageConditions = [...conditions];
      if (cursor) {
        if (singleSeries) {
          pageParams.push(cursor.checkpoint_id);
          pageConditions.push(`checkpoint_id < $${pageParams.length}`);
        } else {
          pageParams.push(cursor.checkpoint_id, cursor.thread_id, cursor.checkpoint_ns);
          const n = pageParams.length;
          pageConditions.push(`(checkpoint_id, thread_id, checkpoint_ns) < ($${n - 2}, $${n - 1}, $${n})`);
        }
      }
      const where = pageConditions.length > 0 ? `where ${pageConditions.join(' and ')}` : '';
      const size = Math.min(this.pageSize, remaining);
      pageParams.push(size);
      const { rows } = await this.db.query<ReadRow>(
        statement(readQuery(where, `$${pageParams.length}::int`), pageParams, this.prepare),
      );
      const page = await decodeRows(rows, this.decode);
      for (const { tuple } of page) yield tuple;
      if (page.length < size) return;
      remaining -= page.length;
      cursor = page[page.length - 1]?.key;
    }
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    if (config.configurable === undefined) throw new Error('Missing "configurable" field in "config" param');
    const c: Configurable = config.configurable;
    const threadId = text(c.thread_id);
    if (threadId === undefined)
      throw new Error('Missing "thread_id" field in "config.configurable": a checkpoint belongs to a thread');
    const ns = String(c.checkpoint_ns ?? '');
    const parentId = text(c.checkpoint_id) ?? null;
    this.held.written(threadId);
    const { channel_values: channelValues, ...withoutValues } = checkpoint;
    const [values, metadataJson] = await Promise.all([
      this.dumpValues(channelValues ?? {}, newVersions),
      this.dumpMetadata(metadata),
    ]);
    const params: unknown[] = [threadId, ns, checkpoint.id, parentId, JSON.stringify(withoutValues), metadataJson];
    for (const v of values) params.push(...v);
    // Writes of the tasks that just finished ride in the checkpoint's statement (see WriteBatcher).
    const batch = this.batcher.take(threadId, ns);
    for (const row of batch?.rows ?? []) params.push(...row);
    const writes = batch?.rows.length ?? 0;
    const queued = [...(batch?.outbox ?? []), ...this.outbox.take(threadId, slotOfNamespace(ns))];
    try {
      await this.commit(putParts(values.length, writes), params, values.length + writes, queued);
    } catch (error) {
      batch?.settle({ error });
      throw error;
    }
    batch?.settle();
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const c: Configurable = config.configurable ?? {};
    const threadId = text(c.thread_id);
    if (threadId === undefined)
      throw new Error('Missing "thread_id" field in "config.configurable": writes belong to a thread');
    const checkpointId = text(c.checkpoint_id);
    if (checkpointId === undefined)
      throw new Error('Missing "checkpoint_id" field in "config.configurable": writes belong to a checkpoint');
    this.held.written(threadId);
    const queued = this.outbox.take(threadId, slotOfTask(taskId));
    if (queued.length > 0 && !writes.some(([channel]) => !NOT_OUTPUT.has(channel))) {
      // The task failed or was interrupted: it runs again and queues its writes again.
      for (const entry of queued)
        entry.settle({
          error: new OutboxWriteDropped(`Task ${taskId} did not complete; its outbox writes were dropped`),
        });
      queued.length = 0;
    }
    if (writes.length === 0) return;
    // One row per (task, idx): a repeated special channel keeps its last value, as an upsert
    // per write would, and Postgres refuses to update one row twice in a statement.
    const byIdx = new Map<number, WriteRow>();
    const dumped = await Promise.all(writes.map(([, value]) => this.serde.dumpsTyped(value)));
    writes.forEach(([channel], i) => {
      const idx = WRITES_IDX_MAP[channel] ?? i;
      const [type, bytes] = dumped[i]!;
      byIdx.set(idx, [checkpointId, taskId, taskPath ?? '', idx, channel, type, bytes]);
    });
    await this.batcher.add(threadId, String(c.checkpoint_ns ?? ''), [...byIdx.values()], queued);
  }

  /** Saves a group of task writes that no checkpoint picked up, in one statement (or one transaction with their outbox). */
  private async saveWrites(batch: WriteBatch): Promise<void> {
    const params: unknown[] = [batch.threadId, batch.ns];
    for (const row of batch.rows) params.push(...row);
    await this.commit(putWritesParts(batch.rows.length), params, batch.rows.length, batch.outbox);
  }

  /**
   * Runs `parts` (a checkpoint or writes statement; none for a flush) with the outbox entries
   * that ride on it: statements fused into it (one round trip), functions after it in one
   * transaction. Settles the statements' promises; commitWithOutbox settles the functions'.
   */
  private async commit(
    parts: StatementParts | null,
    params: unknown[],
    rows: number,
    entries: OutboxEntry[],
  ): Promise<void> {
    const statements = entries.filter((e) => e.statement !== undefined);
    const functions = entries.filter((e) => e.statement === undefined);
    const fused = fuse(
      parts,
      params,
      statements.map((e) => e.statement!),
    );
    const run = parts !== null || statements.length > 0;
    // What rides along varies, so only small fused statements get a prepared name (a group of
    // row statements is one, whatever its size: its rows are one parameter).
    const query = statement(fused.text, fused.values, this.prepare && fused.units <= 2, rows + fused.units * 8);
    let result: pg.QueryResult | undefined;
    try {
      if (functions.length === 0) result = run ? await this.db.query(query) : undefined;
      else result = await commitWithOutbox(this.pool, functions, run ? query : undefined, this.client);
    } catch (error) {
      for (const entry of statements) entry.settle({ error });
      throw error;
    }
    const row = result?.rows[0] as Record<string, unknown> | undefined;
    statements.forEach((entry, i) => {
      const at = fused.columns[i];
      const returned = at ? ((row?.[at.column] as Array<{ _entry?: number }> | null | undefined) ?? []) : [];
      entry.settle(undefined, at?.entry === undefined ? returned : returned.filter((r) => r._entry === at.entry));
    });
  }

  async deleteThread(threadId: string): Promise<void> {
    this.held.written(threadId);
    await this.batcher.flush(threadId).catch(() => undefined);
    await this.db.query(statement(DELETE_THREAD, [threadId], this.prepare));
  }

  /**
   * Versions are `counter + random fraction` (e.g. 7.4830…), where the Python PostgresSaver
   * uses `<counter>.<random>` strings: still ordered by the counter, but unique per thread, so
   * a state update on an older checkpoint (a fork) never produces a (channel, version) that a
   * later checkpoint already stored with another value — values are stored once per version
   * and never overwritten. Numbers, not strings, so the saver stays a BaseCheckpointSaver<number>
   * that compile({ checkpointer }) accepts, and LangGraph's numeric comparisons apply.
   */
  override getNextVersion(current: number | undefined): number {
    // A string can only come from a checkpoint written by another saver (Python's format).
    const counter =
      typeof current === 'number'
        ? Math.floor(current)
        : typeof current === 'string'
          ? Math.floor(Number.parseFloat(current)) || 0
          : 0;
    // The fraction stays clear of 0 and 1 so a version never equals an integer one.
    return counter + 1 + (Math.random() * 0.999 + 0.0005);
  }

  /**
   * Queues a bookkeeping write for the thread, run inside the transaction of the thread's next
   * checkpoint in `options.checkpointNs` (default the root graph), after the checkpoint row:
   * it commits if and only if that checkpoint does. Meant for the code driving a run; from
   * inside a node prefer enqueueWithTask(). If the put fails (or one of the writes throws) the
   * transaction rolls back, and every write it carried is dropped and its promise rejects with
   * that error — they are not re-queued: re-running the superstep queues them again.
   */
  enqueue(threadId: string, write: OutboxWrite, options: EnqueueOptions = {}): Promise<void> {
    return this.outbox.add(threadId, slotOfNamespace(options.checkpointNs ?? ''), write, options.key);
  }

  /**
   * Like enqueue(), for a write given as SQL (OutboxStatement): it is fused into the statement of
   * the thread's next checkpoint in `options.checkpointNs`, so it costs no round trip and no
   * transaction of its own. Resolves with the rows of its `returning` CTE.
   */
  enqueueStatement(threadId: string, write: AnyOutboxStatement, options: EnqueueOptions = {}): Promise<unknown[]> {
    return this.outbox.addStatement(threadId, slotOfNamespace(options.checkpointNs ?? ''), write, options.key);
  }

  /**
   * Queues a bookkeeping write from inside a node (pass the node's config): it commits in the
   * transaction that saves the node's writes when the node completes — the point after which
   * LangGraph never runs that node again for this step, even if a sibling task fails. If the
   * node fails or calls interrupt(), its queued writes are dropped (promise rejects with
   * OutboxWriteDropped): it runs again from the top and queues them again. Never await the
   * promise inside the node: it settles after the node returns.
   */
  enqueueWithTask(config: RunnableConfig, write: OutboxWrite, options: { key?: string } = {}): Promise<void> {
    const c: Configurable = config.configurable ?? {};
    const threadId = text(c.thread_id);
    const taskId = text(c[TASK_ID_KEY]);
    if (threadId === undefined || taskId === undefined)
      throw new Error('enqueueWithTask needs the config LangGraph passes to a node (thread_id and task id)');
    return this.outbox.add(threadId, slotOfTask(taskId), write, options.key);
  }

  /**
   * Like enqueueWithTask(), for a write given as SQL (OutboxStatement): it is fused into the
   * statement that saves the node's writes (usually the superstep's checkpoint), so it costs no
   * round trip and no transaction of its own. Resolves with the rows of its `returning` CTE.
   */
  enqueueStatementWithTask(
    config: RunnableConfig,
    write: AnyOutboxStatement,
    options: { key?: string } = {},
  ): Promise<unknown[]> {
    const c: Configurable = config.configurable ?? {};
    const threadId = text(c.thread_id);
    const taskId = text(c[TASK_ID_KEY]);
    if (threadId === undefined || taskId === undefined)
      throw new Error('enqueueStatementWithTask needs the config LangGraph passes to a node (thread_id and task id)');
    return this.outbox.addStatement(threadId, slotOfTask(taskId), write, options.key);
  }

  /** Runs everything queued for the thread now, in one transaction without a checkpoint. */
  async flush(threadId: string): Promise<void> {
    await this.batcher.flush(threadId);
    const queued = this.outbox.takeThread(threadId);
    if (queued.length > 0) await this.commit(null, [], 0, queued);
  }

  /**
   * Drops everything queued for the thread (promises reject with OutboxWriteDropped). Call it
   * when a run stops (error, interrupt) so writes of work that will re-run do not linger.
   */
  discard(threadId: string, reason = 'discarded'): number {
    const queued = this.outbox.takeThread(threadId);
    for (const entry of queued) entry.settle({ error: new OutboxWriteDropped(`Outbox write ${reason}`) });
    return queued.length;
  }

  /** Writes queued and not yet committed, for one thread or all. */
  pendingOutboxWrites(threadId?: string): number {
    return this.outbox.size(threadId);
  }

  pruneThread(threadId: string, options: PruneThreadOptions): Promise<PruneResult> {
    return pruneThread(this.pool, threadId, options);
  }

  pruneAll(options: PruneAllOptions): Promise<PruneResult> {
    return pruneAll(this.pool, options);
  }

  private async dumpValues(
    channelValues: Record<string, unknown>,
    newVersions: ChannelVersions,
  ): Promise<Array<[string, string, string, Uint8Array | null]>> {
    return Promise.all(
      Object.entries(newVersions).map(
        async ([channel, version]): Promise<[string, string, string, Uint8Array | null]> => {
          // A version without a value marks a channel that was emptied.
          if (!(channel in channelValues)) return [channel, String(version), 'empty', null];
          const [type, bytes] = await this.serde.dumpsTyped(channelValues[channel]);
          return [channel, String(version), type, bytes];
        },
      ),
    );
  }

  private async dumpMetadata(metadata: CheckpointMetadata): Promise<string> {
    const [, bytes] = await this.serde.dumpsTyped(metadata);
    return jsonbSafe(new TextDecoder().decode(bytes));
  }
}
