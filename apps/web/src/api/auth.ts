import {
  InvitationPreviewSchema,
  ResetPasswordBodySchema,
  SessionInfoSchema,
  WorkspaceMembershipSchema,
  type AcceptInvitationBody,
  type ChangePasswordBody,
  type InvitationPreview,
  type LoginBody,
  type SessionInfo,
  type SetupBody,
  type WorkspaceMembership,
} from '@orchestrator/contracts';
import { z } from 'zod';
import { api as defaultClient, type ApiClient } from './client';

export type ResetPasswordBody = z.input<typeof ResetPasswordBodySchema>;

/** Who is signed in and where; accounts, workspaces and joining by invitation (docs/security.md). */
export interface AuthApi {
  /** Answered to anyone, signed in or not. */
  getSession(): Promise<SessionInfo>;
  /** 403 `auth/setup_token_invalid`, 409 `auth/already_set_up`. */
  setup(body: SetupBody): Promise<SessionInfo>;
  /** 401 `auth/invalid_credentials`, 429 `request/rate_limited` (details.retryAfterSeconds). */
  login(body: LoginBody): Promise<SessionInfo>;
  logout(): Promise<void>;
  /** 401 `auth/invalid_credentials` when the current password is wrong. */
  changePassword(body: ChangePasswordBody): Promise<void>;
  resetPassword(body: ResetPasswordBody): Promise<SessionInfo>;
  switchWorkspace(workspaceId: string): Promise<SessionInfo>;
  /** The creator becomes its admin. */
  createWorkspace(name: string): Promise<WorkspaceMembership>;
  /** Renames the current workspace (admins). */
  renameWorkspace(name: string): Promise<WorkspaceMembership>;
  /** 404 `invitation/not_found` when the link is unknown, expired or used. */
  previewInvitation(token: string): Promise<InvitationPreview>;
  acceptInvitation(body: AcceptInvitationBody): Promise<SessionInfo>;
}

// Logout and password change answer 204: nothing to parse.
const NoContent = z.unknown();

export function createAuthApi(client: ApiClient = defaultClient): AuthApi {
  return {
    getSession: () => client.request('GET', '/api/auth/session', SessionInfoSchema),
    setup: (body) => client.request('POST', '/api/auth/setup', SessionInfoSchema, body),
    login: (body) => client.request('POST', '/api/auth/login', SessionInfoSchema, body),
    logout: async () => {
      await client.request('POST', '/api/auth/logout', NoContent);
    },
    changePassword: async (body) => {
      await client.request('POST', '/api/auth/password', NoContent, body);
    },
    resetPassword: (body) => client.request('POST', '/api/auth/password-reset', SessionInfoSchema, body),
    switchWorkspace: (workspaceId) => client.request('POST', '/api/auth/workspace', SessionInfoSchema, { workspaceId }),
    createWorkspace: (name) => client.request('POST', '/api/workspaces', WorkspaceMembershipSchema, { name }),
    renameWorkspace: (name) => client.request('PUT', '/api/workspaces/current', WorkspaceMembershipSchema, { name }),
    previewInvitation: (token) =>
      client.request('GET', `/api/invitations/accept?token=${encodeURIComponent(token)}`, InvitationPreviewSchema),
    acceptInvitation: (body) => client.request('POST', '/api/invitations/accept', SessionInfoSchema, body),
  };
}

/** The app's auth endpoints; the session store uses this one. */
export const authApi: AuthApi = createAuthApi();
