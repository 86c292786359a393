import { watch } from 'vue';
import { useSocket } from './useSocket';

/** How long a first load waits for the live connection before loading its data without it. */
export const REALTIME_WAIT_MS = 1500;

/**
 * Resolves once the socket has connected (or given up, or taken too long). Data loaded after
 * that misses no event, so the socket's first connect has nothing to fetch again (it re-fetches
 * whatever was loaded before it, events sent meanwhile having been missed). Opens the connection
 * if it is not open yet: the shell uses the same one.
 */
export function realtimeSettled(timeoutMs = REALTIME_WAIT_MS): Promise<void> {
  const { status } = useSocket();
  if (status.value !== 'connecting') return Promise.resolve();
  return new Promise((resolve) => {
    const stop = watch(status, (next) => next !== 'connecting' && done());
    const timer = setTimeout(done, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      stop();
      resolve();
    }
  });
}
