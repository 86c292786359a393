import type { RunContext } from '@orchestrator/core';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { Gather } from './gather.js';

const QUEUE = 'project-run';
const SCHEMA = 'pgboss';
const QUEUE_OPTIONS = {
  name: QUEUE,
  policy: 'stately',
  retryLimit: 20,
  retryDelay: 1,
  retryBackoff: true,
  expireInSeconds: 30 * 60,
} as const;
/** How often the queue is looked at when nothing wakes it: runs other processes enqueued, retries coming due. */
const POLL_MS = 500;
const lockKey = (projectId: string) => `project-run:${projectId}`;

/**
 * The next jobs, at most one per project and none of a project whose run is active (in any
 * process). pg-boss 10's own fetch takes the oldest queued jobs whatever their project: a
 * project queued again while it runs (an answer that arrived meanwhile) would make every fetch
 * fail on the stately queue's unique index until that run ends, holding up every other project.
 * Otherwise it is pg-boss's fetch: same states, order and retry count.
 */
const FETCH = `
  with next as (
    select id, singleton_key, created_on from pgboss.job j
     where name = $1 and state < 'active' and start_after < now()
       and not exists (select 1 from pgboss.job a where a.name = $1 and a.state = 'active' and a.singleton_key = j.singleton_key)
     order by priority desc, created_on, id
     limit $2
     for update skip locked
  ), first as (
    select id from (select id, row_number() over (partition by singleton_key order by created_on, id) as n from next) x where n = 1
  )
  update pgboss.job j set state = 'active', started_on = now(),
         retry_count = case when j.started_on is not null then j.retry_count + 1 else j.retry_count end
    from first where j.name = $1 and j.id = first.id
  returning j.id, j.data`;

/**
 * Installs or upgrades pg-boss's schema and creates its queues (the run queue, and the one its
 * scheduler starts with), then closes. For a connection that may create them (the embedded
 * database's superuser) when the runtime one may not: the API's runtime role only reads and
 * writes pg-boss's rows, so its own start then finds nothing to create (docs/operations.md).
 */
export async function installRunQueue(connectionString: string): Promise<void> {
  const boss = new PgBoss({
    connectionString,
    schema: SCHEMA,
    max: 2,
    supervise: false,
    application_name: 'orchestrator-setup',
  });
  const failures: Error[] = [];
  boss.on('error', (err) => failures.push(err));
  await boss.start();
  try {
    await boss.createQueue(QUEUE, QUEUE_OPTIONS);
  } finally {
    await boss.stop({ graceful: false, close: true, wait: true });
  }
  if (failures.length) throw failures[0];
}

export interface RunQueueOptions {
  connectionString: string;
  /** Runs of different projects at once in this process. */
  concurrency: number;
  logger: { log(message: string): void; warn(message: string): void; error(message: unknown, stack?: string): void };
  /** True when the error is the database being unreachable, which the caller reports once for the whole outage. */
  isOutage?: (err: unknown) => boolean;
}

type Job = { id: string; data: RunContext };
type LockOp = { op: 'lock' | 'unlock'; projectId: string };

/** Takes (without waiting) or releases each project's lock, in order, in one statement. */
const LOCKS = `select case when l.op = 'lock' then pg_try_advisory_lock(hashtextextended(l.key, 0))
                          else pg_advisory_unlock(hashtextextended(l.key, 0)) end as ok
                 from unnest($1::text[], $2::text[]) with ordinality as l(op, key, n) order by l.n`;

/**
 * Project runs through pg-boss, one at a time per project: a stately queue keyed by project (at
 * most one queued and one active job each) and, while a run goes on, a Postgres advisory lock
 * on the project, so no two workers (processes) ever run one project's thread at once. Up to
 * `concurrency` projects run at once in this process. A run enqueued here starts at once when
 * a slot is free; otherwise the queue is looked at every POLL_MS and whenever a run ends. A job
 * carries only the project's ids: what the run needs is read from Postgres when it starts, so
 * nothing is lost if a worker dies (its job is reclaimed, see `reclaim`).
 *
 * The advisory locks live on one connection of their own (a session lock per project), so runs
 * in progress hold no pooled connection while they wait on their agents.
 */
export class RunQueue {
  private boss?: PgBoss;
  private handler?: (ctx: RunContext) => Promise<void>;
  private state: 'idle' | 'started' | 'stopping' | 'stopped' = 'idle';
  /** Runs in progress in this process, by project. */
  private readonly running = new Map<string, { ctx: RunContext; done: Promise<void> }>();
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private locks?: Promise<pg.Client>;
  /**
   * Runs queued, locks taken and released, jobs completed: each gathered into one statement
   * with the others of the moment (a burst of approvals or of runs starting costs a few).
   */
  private readonly sends = new Gather<RunContext, void>((runs) => this.send(runs));
  private readonly lockOps = new Gather<LockOp, boolean>(
    (ops) => this.applyLocks(ops),
    // A project's lock and unlock never share a statement: they apply in the order asked.
    (op, batch) => batch.some((b) => b.projectId === op.projectId),
  );
  private readonly completions = new Gather<string, void>(async (ids) => {
    await this.boss!.complete(QUEUE, ids);
    return ids.map(() => undefined);
  });

  constructor(private readonly options: RunQueueOptions) {}

  async start(handler: (ctx: RunContext) => Promise<void>): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.options.connectionString,
      schema: SCHEMA,
      max: 4,
      application_name: 'orchestrator-runner',
    });
    // During a database outage every poll fails: the outage is logged once, by whoever reports it.
    boss.on('error', (err) => this.logError(err));
    // Installs or upgrades pg-boss's schema and creates the queue, unless `installRunQueue` did.
    await boss.start();
    await boss.createQueue(QUEUE, QUEUE_OPTIONS);
    this.boss = boss;
    this.handler = handler;
    // Opened now, so the first run does not wait for it.
    await this.session();
    this.state = 'started';
    this.loop = this.work();
  }

  /**
   * Queues a run of the project (none if one is queued already: the queued run reads what is
   * there when it starts). Once the queue is stopping this does nothing: whatever asked for the
   * run left the project where start-up picks it up again.
   */
  async enqueue(ctx: RunContext): Promise<void> {
    if (this.state === 'idle') throw new Error('The run queue is not started');
    if (this.state !== 'started') return;
    await this.sends.add({ workspaceId: ctx.workspaceId, projectId: ctx.projectId });
    this.wake();
  }

  /** Queues runs in one insert; a project already queued is not queued twice (the stately queue). */
  private async send(runs: RunContext[]): Promise<void[]> {
    await this.boss!.insert(
      runs.map((ctx) => ({
        name: QUEUE,
        data: { workspaceId: ctx.workspaceId, projectId: ctx.projectId },
        singletonKey: ctx.projectId,
      })),
    );
    return runs.map(() => undefined);
  }

  /** The projects whose runs are in progress in this process. */
  inProgress(): RunContext[] {
    return [...this.running.values()].map((r) => r.ctx);
  }

  /**
   * A job stays `active` when its worker was killed, and the stately queue holds the project's
   * next job behind it until it expires. The advisory lock tells a live run from a dead one: an
   * active job whose project nobody holds is an orphan, and is cancelled. Returns the projects
   * whose runs were reclaimed, to be queued again.
   */
  async reclaim(): Promise<RunContext[]> {
    if (this.state !== 'started') return [];
    const { rows } = await this.boss!.getDb().executeSql(
      `select id, data from pgboss.job where name = $1 and state = 'active'`,
      [QUEUE],
    );
    const reclaimed: RunContext[] = [];
    for (const job of rows as Job[]) {
      if (this.running.has(job.data.projectId)) continue;
      if (!(await this.lock('lock', job.data.projectId))) continue;
      await this.lock('unlock', job.data.projectId);
      await this.boss!.cancel(QUEUE, job.id);
      this.options.logger.warn(`Reclaimed the run of project ${job.data.projectId}: its worker vanished`);
      reclaimed.push({ workspaceId: job.data.workspaceId, projectId: job.data.projectId });
    }
    return reclaimed;
  }

  /**
   * Takes no more jobs and resolves once the runs in progress have ended (the caller asks them
   * to stop), then closes pg-boss and the lock connection.
   */
  async stop(): Promise<void> {
    if (this.state !== 'started') return;
    this.state = 'stopping';
    this.wake();
    await this.loop;
    await Promise.all([...this.running.values()].map((r) => r.done));
    await this.boss!.stop({ graceful: false, close: true, wait: true });
    const locks = this.locks;
    this.locks = undefined;
    await locks?.then((client) => client.end()).catch(() => undefined);
    this.state = 'stopped';
  }

  private async work(): Promise<void> {
    while (this.state === 'started') {
      const free = this.options.concurrency - this.running.size;
      if (free <= 0) {
        await this.sleep();
        continue;
      }
      let jobs: Job[];
      try {
        jobs = await this.fetch(free);
      } catch (err) {
        this.logError(err);
        await this.sleep(POLL_MS);
        continue;
      }
      for (const job of jobs) this.begin(job);
      // Fewer than asked for: nothing else is due now.
      if (jobs.length < free) await this.sleep(POLL_MS);
    }
  }

  private async fetch(limit: number): Promise<Job[]> {
    try {
      const { rows } = await this.boss!.getDb().executeSql(FETCH, [QUEUE, limit]);
      return rows as Job[];
    } catch (err) {
      // Another process took a job of the same project at the same moment: look again.
      if ((err as { code?: string }).code === '23505') return [];
      throw err;
    }
  }

  private begin(job: Job): void {
    const ctx = { workspaceId: job.data.workspaceId, projectId: job.data.projectId };
    // Its earlier job expired while the run went on: this one waits its turn (pg-boss retries it).
    if (this.running.has(ctx.projectId)) {
      void this.settle(job.id, new Error(`project ${ctx.projectId} is being run by this process`));
      return;
    }
    const done = this.run(job.id, ctx).finally(() => {
      this.running.delete(ctx.projectId);
      this.wake();
    });
    this.running.set(ctx.projectId, { ctx, done });
  }

  private async run(jobId: string, ctx: RunContext): Promise<void> {
    let failure: unknown;
    try {
      // Another process runs it; pg-boss retries this job later.
      if (!(await this.lock('lock', ctx.projectId)))
        throw new Error(`project ${ctx.projectId} is being run by another worker`);
      try {
        await this.handler!(ctx);
      } finally {
        await this.lock('unlock', ctx.projectId).catch(() => undefined);
      }
    } catch (err) {
      failure = err;
      this.options.logger.warn(
        `The run of project ${ctx.projectId} failed (pg-boss retries it): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    await this.settle(jobId, failure);
  }

  private async settle(jobId: string, failure: unknown): Promise<void> {
    try {
      if (failure === undefined) await this.completions.add(jobId);
      else
        await this.boss!.fail(QUEUE, jobId, { message: failure instanceof Error ? failure.message : String(failure) });
    } catch (err) {
      // The job stays active; `reclaim` finds it once no run holds the project.
      this.logError(err);
    }
  }

  /**
   * Takes (without waiting) or releases a project's lock on the lock connection, one statement
   * at a time (a connection runs one at a time), with the other projects' of the moment.
   */
  private lock(op: 'lock' | 'unlock', projectId: string): Promise<boolean> {
    return this.lockOps.add({ op, projectId });
  }

  private async applyLocks(ops: LockOp[]): Promise<boolean[]> {
    const session = await this.session();
    const { rows } = await session.query<{ ok: boolean }>({
      name: 'runner_locks',
      text: LOCKS,
      values: [ops.map((o) => o.op), ops.map((o) => lockKey(o.projectId))],
    });
    return rows.map((r) => r.ok === true);
  }

  /** The connection that holds the run locks; a new one once it is lost. */
  private session(): Promise<pg.Client> {
    if (this.locks) return this.locks;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: 'orchestrator-runner-locks',
      keepAlive: true,
    });
    const opened = client.connect().then(() => client);
    this.locks = opened;
    const forget = () => {
      if (this.locks === opened) this.locks = undefined;
    };
    client.on('error', (err) => {
      forget();
      // The locks went with it: runs in progress go on, unguarded against another process (see docs/operations.md).
      if (this.state === 'started') this.logError(err);
    });
    client.on('end', forget);
    opened.catch(forget);
    return opened;
  }

  private logError(err: unknown): void {
    if (!this.options.isOutage?.(err)) this.options.logger.error(err);
  }

  private sleep(ms?: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = done;
    });
  }

  private wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }
}
