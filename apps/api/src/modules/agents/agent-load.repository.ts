import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { AgentStatusChanged } from '@orchestrator/contracts';
import type { AgentLoadInfo, AgentLoadTracker } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';

type Status = AgentLoadInfo['status'];
type StatusRow = { agent_name: string; status: Status; current_load: number; max_concurrent: number };
type Availability = { status: Status; maxConcurrent: number };

/** Changes of one agent's load within this window go to the database as one write. */
export const MIRROR_DELAY_MS = 50;
/** Cached status / max_concurrent rows are re-read after this long, so another process's change is seen. */
export const AVAILABILITY_MAX_AGE_MS = 2_000;

const TAKES_WORK: ReadonlySet<Status> = new Set(['online', 'busy', 'being_improved']);

/** One agent's load in this process and its write-behind copy in agent_availability. */
interface AgentMirror {
  load: number;
  /** What our last successful write put in the row (undefined: not written by this process yet). */
  written: number | undefined;
  timer: NodeJS.Timeout | undefined;
  /** This agent's writes, one at a time in call order, so an older count never lands after a newer one. */
  queue: Promise<unknown>;
}

interface AvailabilityCache {
  loadedAt: number;
  rows: Promise<Map<string, Availability>>;
}

/**
 * Live load per agent. The count kept in this process is the authority for `acquire`/`release`
 * (no database round trip on a step's hot path); `agent_availability.current_load` and its
 * busy/online status are a mirror written behind: changes within MIRROR_DELAY_MS merge into one
 * UPDATE that sends the current count, and each write is pushed to the workspace as
 * `agent.status_changed`. A task that starts and ends within the window writes nothing.
 *
 * Capacity (`maxConcurrent`) is therefore enforced per process: over the project runner's steps
 * and the chat delegations of this process. With several API processes each enforces it for its
 * own tasks (the `resetAll` at boot already assumed a single process) and their mirror writes
 * overwrite each other's count.
 *
 * `acquire` needs each agent's status and max_concurrent: a per-workspace cache of those rows,
 * dropped whenever this process changes them (lifecycle, reset, registry sync via `invalidate`)
 * and re-read after AVAILABILITY_MAX_AGE_MS.
 *
 * Status: busy while it has any task, online at load 0. An agent being created takes no task (the
 * router skips it too); one being improved keeps working with its current Context.md while the
 * proposal waits, and keeps showing `being_improved` until its lifecycle ends.
 */
@Injectable()
export class AgentLoadRepository implements AgentLoadTracker, OnApplicationShutdown {
  private readonly logger = new Logger('AgentLoad');
  private readonly agents = new Map<string, Map<string, AgentMirror>>();
  private readonly availabilityCache = new Map<string, AvailabilityCache>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly publisher: RealtimePublisher,
  ) {}

  /** The rows with this process's counts laid over them (exact for this process's tasks). */
  async snapshot(workspaceId: string): Promise<Map<string, AgentLoadInfo>> {
    const { rows } = await this.pool.query<{ agent_name: string; status: Status; max_concurrent: number }>(
      'select agent_name, status, max_concurrent from agent_availability where workspace_id = $1',
      [workspaceId],
    );
    const agents = this.agents.get(workspaceId);
    return new Map(
      rows.map((r) => {
        const load = agents?.get(r.agent_name)?.load ?? 0;
        return [r.agent_name, { status: liveStatus(r.status, load), load, maxConcurrent: r.max_concurrent }];
      }),
    );
  }

  async acquire(workspaceId: string, agent: string): Promise<boolean> {
    const availability = (await this.availability(workspaceId)).get(agent);
    // From here on nothing awaits: the check and the increment cannot interleave with another acquire.
    if (!availability || !TAKES_WORK.has(availability.status)) return false;
    const mirror = this.mirror(workspaceId, agent);
    if (mirror.load >= availability.maxConcurrent) return false;
    mirror.load++;
    this.schedule(workspaceId, agent, mirror);
    return true;
  }

  async release(workspaceId: string, agent: string): Promise<void> {
    const mirror = this.agents.get(workspaceId)?.get(agent);
    if (!mirror || mirror.load === 0) return;
    mirror.load--;
    this.schedule(workspaceId, agent, mirror);
  }

  /**
   * Being created / being improved, or back to its load-based status (null). An invalid agent
   * stays offline and a retired one retired: a lifecycle never hides that. Queued behind the
   * agent's mirror writes and sends the current count too, so the row ends consistent.
   */
  async setLifecycle(workspaceId: string, agent: string, lifecycle: 'being_created' | 'being_improved' | null): Promise<AgentStatusChanged | undefined> {
    const mirror = this.mirror(workspaceId, agent);
    try {
      return await this.enqueue(mirror, async () => {
        const load = mirror.load;
        const { rows } = await this.pool.query<StatusRow>(
          `update agent_availability av
              set status = case
                    when m.status = 'invalid' then 'offline'
                    when $3::text is not null then $3::text
                    when $4::int > 0 then 'busy'
                    else 'online' end,
                  current_load = $4::int,
                  updated_at = now()
             from managed_agents m
            where av.workspace_id = $1 and av.agent_name = $2 and m.workspace_id = av.workspace_id and m.name = av.agent_name
              and av.status <> 'retired'
            returning av.agent_name, av.status, av.current_load, av.max_concurrent`,
          [workspaceId, agent, lifecycle, load],
        );
        if (rows[0]) mirror.written = load;
        return this.publish(workspaceId, rows[0]);
      });
    } finally {
      this.invalidate(workspaceId);
    }
  }

  /**
   * At start-up nothing is running in this process yet; loads left by a crashed process would
   * otherwise block agents forever. (With several processes this moves to per-run leases.)
   */
  async resetAll(workspaceId: string): Promise<void> {
    const agents = this.agents.get(workspaceId);
    this.agents.delete(workspaceId);
    for (const mirror of agents?.values() ?? []) clearTimeout(mirror.timer);
    // A write already on its way must not land after the reset.
    await Promise.all([...(agents?.values() ?? [])].map((m) => m.queue));
    // Also ends a `being_improved` left by a process that died before clearing it: the agent's
    // improvement is open exactly while its agent_improvements row is (one at most per agent).
    await this.pool.query(
      `update agent_availability av set current_load = 0,
              status = case
                when av.status = 'busy' then 'online'
                when av.status = 'being_improved' and not exists (
                  select 1 from agent_improvements i
                   where i.workspace_id = av.workspace_id and i.agent_name = av.agent_name and i.status in ('proposed', 'pending_approval', 'approved')) then 'online'
                else av.status end
        where av.workspace_id = $1`,
      [workspaceId],
    );
    this.invalidate(workspaceId);
  }

  /** Status or max_concurrent rows changed (e.g. a registry sync): the next acquire reads them again. */
  invalidate(workspaceId: string): void {
    this.availabilityCache.delete(workspaceId);
  }

  /** Sends every pending mirror write now (and retries failed ones); resolves when all have finished. */
  async flushed(): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const [workspaceId, agents] of this.agents) {
      for (const [agent, mirror] of agents) {
        clearTimeout(mirror.timer);
        mirror.timer = undefined;
        pending.push(mirror.load === mirror.written ? mirror.queue : this.enqueue(mirror, () => this.write(workspaceId, agent, mirror)));
      }
    }
    await Promise.all(pending);
  }

  /** After every module's own shutdown (runs end and release their agents), before the pool closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.flushed();
  }

  private availability(workspaceId: string): Promise<Map<string, Availability>> {
    const cached = this.availabilityCache.get(workspaceId);
    if (cached && Date.now() - cached.loadedAt < AVAILABILITY_MAX_AGE_MS) return cached.rows;
    const entry: AvailabilityCache = {
      loadedAt: Date.now(),
      rows: this.pool
        .query<{ agent_name: string; status: Status; max_concurrent: number }>('select agent_name, status, max_concurrent from agent_availability where workspace_id = $1', [workspaceId])
        .then(({ rows }) => new Map(rows.map((r) => [r.agent_name, { status: r.status, maxConcurrent: r.max_concurrent }]))),
    };
    // A failed read is not cached: the next acquire tries again.
    entry.rows.catch(() => this.availabilityCache.get(workspaceId) === entry && this.availabilityCache.delete(workspaceId));
    this.availabilityCache.set(workspaceId, entry);
    return entry.rows;
  }

  private mirror(workspaceId: string, agent: string): AgentMirror {
    let agents = this.agents.get(workspaceId);
    if (!agents) this.agents.set(workspaceId, (agents = new Map()));
    let mirror = agents.get(agent);
    if (!mirror) agents.set(agent, (mirror = { load: 0, written: undefined, timer: undefined, queue: Promise.resolve() }));
    return mirror;
  }

  private schedule(workspaceId: string, agent: string, mirror: AgentMirror): void {
    if (mirror.timer) return;
    mirror.timer = setTimeout(() => {
      mirror.timer = undefined;
      void this.enqueue(mirror, () => this.write(workspaceId, agent, mirror));
    }, MIRROR_DELAY_MS);
    // Pending writes never keep the process alive; shutdown flushes them.
    mirror.timer.unref();
  }

  private enqueue<T>(mirror: AgentMirror, task: () => Promise<T>): Promise<T> {
    const next = mirror.queue.then(task);
    mirror.queue = next.catch(() => undefined);
    return next;
  }

  /** Sends the count as it is when the write starts; never throws (a failure is retried on the next change). */
  private async write(workspaceId: string, agent: string, mirror: AgentMirror): Promise<void> {
    const load = mirror.load;
    if (load === mirror.written) return;
    try {
      const { rows } = await this.pool.query<StatusRow>(
        `update agent_availability
            set current_load = $3::int,
                status = case when status in ('online', 'busy') then case when $3::int > 0 then 'busy' else 'online' end else status end,
                updated_at = now()
          where workspace_id = $1 and agent_name = $2
          returning agent_name, status, current_load, max_concurrent`,
        [workspaceId, agent, load],
      );
      mirror.written = load;
      this.publish(workspaceId, rows[0]);
    } catch (err) {
      this.logger.warn(`Could not mirror the load of ${agent} (${load}); retrying on its next change: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private publish(workspaceId: string, row: StatusRow | undefined): AgentStatusChanged | undefined {
    if (!row) return undefined;
    const event: AgentStatusChanged = { name: row.agent_name, status: row.status, currentLoad: row.current_load, maxConcurrent: row.max_concurrent };
    this.publisher.agentStatusChanged(workspaceId, event);
    return event;
  }
}

/** busy/online follow this process's count; a lifecycle or offline/retired status stays. */
function liveStatus(status: Status, load: number): Status {
  if (status !== 'online' && status !== 'busy') return status;
  return load > 0 ? 'busy' : 'online';
}
