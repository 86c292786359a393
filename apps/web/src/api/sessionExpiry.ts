import type { ApiError } from './errors';

type Listener = (error: ApiError) => void;

const listeners = new Set<Listener>();

/**
 * Tells the app a call answered 401 `auth/unauthenticated`. The client is created when its module
 * loads, before the router and stores exist, so they subscribe here instead of being passed in.
 */
export function sessionExpired(error: ApiError): void {
  for (const listener of listeners) listener(error);
}

/** Subscribes to expired sessions; returns the unsubscribe function. */
export function onSessionExpired(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
