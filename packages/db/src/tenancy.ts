import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/**
 * Which workspace's rows the code running now may see, enforced by row-level security
 * (docs/security.md, "Tenant isolation"): one workspace (a request, a socket event, a project
 * step), every workspace (a named background task that scans them all: sweepers, recovery,
 * signing in before the workspace is known), or none — then every tenant table looks empty.
 */
export type TenantScope = { workspaceId: string } | { allWorkspaces: string };

const scopes = new AsyncLocalStorage<TenantScope>();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs `fn` (and everything it starts) seeing only `workspaceId`'s rows. */
export function inWorkspace<T>(workspaceId: string, fn: () => T): T {
  if (!UUID.test(workspaceId)) throw new TypeError(`Not a workspace id: ${JSON.stringify(workspaceId)}`);
  return scopes.run({ workspaceId }, fn);
}

/**
 * Runs `fn` seeing every workspace's rows. `reason` names the task, so that each such path is
 * deliberate and can be found (grep `acrossWorkspaces(`); work on one item it finds should go
 * back to `inWorkspace` for that item's workspace.
 */
export function acrossWorkspaces<T>(reason: string, fn: () => T): T {
  return scopes.run({ allWorkspaces: reason }, fn);
}

export function currentTenantScope(): TenantScope | undefined {
  return scopes.getStore();
}

/** The session settings the policies read (`app.current_workspace_id()`, `app.all_workspaces()`). */
function settingsOf(scope: TenantScope | undefined): { workspaceId: string; all: string } {
  if (!scope) return { workspaceId: '', all: '' };
  if ('workspaceId' in scope) return { workspaceId: scope.workspaceId, all: '' };
  return { workspaceId: '', all: 'on' };
}

/** What each pooled connection's session is set to now, so a checkout in the same scope costs nothing. */
const applied = new WeakMap<pg.ClientBase, string>();

/**
 * Sets a checked-out connection's session to `scope` before its first statement, when it is not
 * set so already. Session-level (not SET LOCAL), because one checkout is one server session
 * (the API needs a session-mode connection, README) and runs several transactions or none;
 * it is set between checkouts, outside any transaction, so a rollback cannot undo it.
 */
export async function applyTenantScope(client: pg.ClientBase, scope: TenantScope | undefined): Promise<void> {
  const { workspaceId, all } = settingsOf(scope);
  const key = `${workspaceId}|${all}`;
  if (applied.get(client) === key) return;
  // Forget the old value first: if this fails the connection is released as broken anyway.
  applied.delete(client);
  await client.query(`select set_config('app.workspace_id', $1, false), set_config('app.all_workspaces', $2, false)`, [
    workspaceId,
    all,
  ]);
  applied.set(client, key);
}
