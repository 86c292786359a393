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
