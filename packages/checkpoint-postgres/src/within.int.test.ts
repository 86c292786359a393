import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCheckpointSaver } from './saver.js';
import { openTestPool, type TestPool } from './test-support/db.js';
import { checkpoint, config, metadata, threadId } from './test-support/factories.js';

let db: TestPool;
let saver: PostgresCheckpointSaver;
beforeAll(async () => {
  db = await openTestPool();
  saver = new PostgresCheckpointSaver(db.pool);
  // A stand-in for the caller's own rows (a step reset, an audit entry).
  await db.pool.query('create table probe (thread text not null, label text not null)');
});
afterAll(async () => db.close());

/** Runs `fn` in a transaction of its own client, committed or rolled back as asked. */
async function inTransaction(end: 'commit' | 'rollback', fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    await fn(client);
    await client.query(end);
  } finally {
    client.release();
  }
}

const labels = async (thread: string) =>
  (await db.pool.query<{ label: string }>('select label from probe where thread = $1', [thread])).rows.map(
    (r) => r.label,
  );

describe('within (writing in the caller’s transaction)', () => {
  it('should save nothing when the caller’s transaction rolls back', async () => {
    const thread = threadId();
    await inTransaction('rollback', async (client) => {
      const saved = await saver
        .within(client)
        .put(config(thread), checkpoint({ a: 1 }, { a: 1 }), metadata(0), { a: 1 });
      // The transaction reads its own checkpoint; nobody else does before it commits.
      expect((await saver.within(client).getTuple(saved))?.checkpoint.channel_values).toEqual({ a: 1 });
      expect(await saver.getTuple(config(thread))).toBeUndefined();
    });
    expect(await saver.getTuple(config(thread))).toBeUndefined();
  });

  it('should commit the checkpoint, its writes and the caller’s rows together when the transaction commits', async () => {
    const thread = threadId();
    await inTransaction('commit', async (client) => {
      const bound = saver.within(client);
      const saved = await bound.put(config(thread), checkpoint({ a: 1 }, { a: 1 }), metadata(0), { a: 1 });
      await bound.putWrites(saved, [['a', 2]], 'task-1');
      await client.query('insert into probe (thread, label) values ($1, $2)', [thread, 'audit']);
    });
    const tuple = await saver.getTuple(config(thread));
    expect(tuple?.checkpoint.channel_values).toEqual({ a: 1 });
    expect(tuple?.pendingWrites).toEqual([['task-1', 'a', 2]]);
    expect(await labels(thread)).toEqual(['audit']);
  });

  it('should leave the caller’s transaction usable when an outbox write of the bound saver fails', async () => {
    const thread = threadId();
    await inTransaction('commit', async (client) => {
      const bound = saver.within(client);
      const failing = bound.enqueue(thread, async (tx) => {
        await tx.query('insert into probe (thread, label) values ($1, $2)', [thread, 'outbox']);
        throw new Error('bookkeeping refused');
      });
      await expect(bound.put(config(thread), checkpoint(), metadata(0), {})).rejects.toThrow('bookkeeping refused');
      await expect(failing).rejects.toThrow('bookkeeping refused');
      // Rolled back to the savepoint: the caller goes on and commits its own row.
      await client.query('insert into probe (thread, label) values ($1, $2)', [thread, 'caller']);
    });
    expect(await saver.getTuple(config(thread))).toBeUndefined();
    expect(await labels(thread)).toEqual(['caller']);
  });
});
