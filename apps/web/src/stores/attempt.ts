import { toApiError } from '../api';
import type { Outcome } from './budgets';

/** Runs an API call for an action a page reports on: its value, or the error to show. */
export async function attempt<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (cause) {
    return { ok: false, error: toApiError(cause) };
  }
}
