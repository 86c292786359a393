/** In-flight loads by key, so concurrent callers share one request. */
export function createInflight() {
  const inflight = new Map<string, Promise<void>>();

  function once(key: string, run: () => Promise<void>): Promise<void> {
    const existing = inflight.get(key);
    if (existing) return existing;
    const promise = run().finally(() => inflight.delete(key));
    inflight.set(key, promise);
    return promise;
  }

  /** A forced reload must not reuse a request that started before the change it reacts to. */
  function fresh(key: string, run: () => Promise<void>): Promise<void> {
    const running = inflight.get(key);
    return running ? running.then(() => once(key, run)) : once(key, run);
  }

  return { once, fresh };
}

/** Every head start not taken yet, across stores: dropped once the page they were for has rendered. */
const headStarts = new Set<Map<string, Promise<void>>>();

/**
 * Loads started ahead of the page that needs them (the router starts them while the page's code
 * is still downloading). The page's own first call takes the load under way, or just finished,
 * instead of asking again; what the page did not take is dropped once it has rendered, so a
 * later call (a refresh button) always fetches.
 */
export function createHeadStart() {
  const started = new Map<string, Promise<void>>();
  headStarts.add(started);

  function start(key: string, run: () => Promise<void>): Promise<void> {
    const promise = run();
    started.set(key, promise);
    return promise;
  }

  function take(key: string): Promise<void> | null {
    const promise = started.get(key) ?? null;
    started.delete(key);
    return promise;
  }

  return { start, take };
}

/** The page has rendered: from now on loads fetch again. */
export function dropHeadStarts(): void {
  for (const started of headStarts) started.clear();
}
