interface Entry<T> {
  value: T;
  /** What the value was computed for (a budget period); another key means it must be re-read. */
  key: string;
  /** When its load started: a change committed after that may be missing from it. */
  loadedAt: number;
}

/**
 * One value per workspace, read from Postgres at most once per `maxAgeMs` (0 disables caching)
 * and dropped at once by this process's own writes. Concurrent misses share one load; a failed
 * load is not kept. Every write bumps the workspace's generation, so that a load which started
 * before the write (and may have read the old rows) is returned to its callers but not kept.
 */
export class WorkspaceCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly loads = new Map<string, { key: string; promise: Promise<T> }>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => Date,
  ) {}

  get(workspaceId: string, key: string, load: () => Promise<T>): Promise<T> {
    if (this.maxAgeMs <= 0) return load();
    const startedAt = this.now().getTime();
    const entry = this.entries.get(workspaceId);
    // A clock that went back also counts as stale.
    if (entry && entry.key === key && startedAt >= entry.loadedAt && startedAt - entry.loadedAt < this.maxAgeMs)
      return Promise.resolve(entry.value);
    const pending = this.loads.get(workspaceId);
    if (pending?.key === key) return pending.promise;
    const generation = this.generation(workspaceId);
    const promise = load()
      .then((value) => {
        if (this.generation(workspaceId) === generation)
          this.entries.set(workspaceId, { value, key, loadedAt: startedAt });
        return value;
      })
      .finally(() => {
        if (this.loads.get(workspaceId)?.promise === promise) this.loads.delete(workspaceId);
      });
    this.loads.set(workspaceId, { key, promise });
    return promise;
  }

  invalidate(workspaceId: string): void {
    this.bump(workspaceId);
    this.entries.delete(workspaceId);
  }

  /** Drops the entry when the change touches it; a load in flight is always dropped (it may predate the change). */
  invalidateIf(workspaceId: string, touches: (value: T) => boolean): void {
    const entry = this.entries.get(workspaceId);
    if (this.loads.has(workspaceId) || (entry && touches(entry.value))) this.invalidate(workspaceId);
  }

  /** Writes through to a held entry (its age is kept); a load in flight is dropped. */
  update(workspaceId: string, write: (value: T) => void): void {
    this.bump(workspaceId);
    const entry = this.entries.get(workspaceId);
    if (entry) write(entry.value);
  }

  private generation(workspaceId: string): number {
    return this.generations.get(workspaceId) ?? 0;
  }

  private bump(workspaceId: string): void {
    this.generations.set(workspaceId, this.generation(workspaceId) + 1);
    this.loads.delete(workspaceId);
  }
}
