import type { Invitation, Member, Role, SessionInfo, User, WorkspaceMembership } from '@orchestrator/contracts';
import type { ApiToken } from '../api/tokens';
import { useSessionStore } from '../stores/session';
import { uuid } from './factories';

export function user(overrides: Partial<User> = {}): User {
  return { id: uuid(), email: 'ada@example.com', displayName: 'Ada Lovelace', ...overrides };
}

export function membership(overrides: Partial<WorkspaceMembership> = {}): WorkspaceMembership {
  return { id: uuid(), name: 'Acme', slug: 'acme', role: 'admin', ...overrides };
}

/** A signed-in session in authenticated mode with `role` in its one workspace. */
export function sessionInfo(role: Role = 'admin', overrides: Partial<SessionInfo> = {}): SessionInfo {
  const workspace = membership({ role });
  return {
    mode: 'authenticated',
    setupRequired: false,
    user: user(),
    workspace,
    workspaces: [workspace],
    ...overrides,
  };
}

export const signedOut = (overrides: Partial<SessionInfo> = {}): SessionInfo =>
  sessionInfo('admin', { user: null, workspace: null, workspaces: [], ...overrides });

/** Puts a session in the active Pinia as if loaded, so role-aware components know the role. */
export function signInAs(role: Role = 'admin', overrides: Partial<SessionInfo> = {}): SessionInfo {
  const info = sessionInfo(role, overrides);
  const store = useSessionStore();
  store.info = info;
  store.state = 'ready';
  return info;
}

export function member(overrides: Partial<Member> = {}): Member {
  return {
    userId: uuid(),
    email: 'grace@example.com',
    displayName: 'Grace Hopper',
    role: 'member',
    joinedAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
  };
}

export function invitation(overrides: Partial<Invitation> = {}): Invitation {
  return {
    id: uuid(),
    email: 'linus@example.com',
    role: 'viewer',
    invitedBy: 'Ada Lovelace',
    createdAt: '2026-11-20T09:00:00.000Z',
    expiresAt: '2026-11-27T09:00:00.000Z',
    ...overrides,
  };
}

export function apiToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: uuid(),
    name: 'nightly report',
    prefix: 'ab12cd34',
    role: 'member',
    createdAt: '2026-11-20T09:00:00.000Z',
    expiresAt: '2099-02-18T09:00:00.000Z',
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}
