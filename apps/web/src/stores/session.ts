import {
  roleAllows,
  PERMISSIONS,
  type AcceptInvitationBody,
  type ChangePasswordBody,
  type LoginBody,
  type Permission,
  type Role,
  type SessionInfo,
  type SetupBody,
  type WorkspaceMembership,
} from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { toApiError, type ApiError } from '../api';
import { authApi, type ResetPasswordBody } from '../api/auth';
import { attempt } from './attempt';
import type { Outcome } from './budgets';
import type { LoadState } from './conversations';

/** Who is signed in, in which workspace and with which role; every other store works in that workspace. */
export const useSessionStore = defineStore('session', () => {
  const info = ref<SessionInfo | null>(null);
  const state = ref<LoadState>('idle');
  const error = ref<ApiError | null>(null);
  /** The session ended under the person (a call answered 401): the login page says why. */
  const expired = ref(false);
  let inflight: Promise<void> | null = null;

  const mode = computed(() => info.value?.mode ?? null);
  const local = computed(() => mode.value === 'local');
  const user = computed(() => info.value?.user ?? null);
  const workspace = computed(() => info.value?.workspace ?? null);
  const workspaces = computed(() => info.value?.workspaces ?? []);
  const role = computed<Role | null>(() => workspace.value?.role ?? null);
  /** Local mode has no login: its one owner is always in. */
  const signedIn = computed(
    () => !!info.value && !info.value.setupRequired && (info.value.mode === 'local' || info.value.user !== null),
  );

  /** Whether the role in the current workspace allows `permission`; nobody known, nothing allowed. */
  function can(permission: Permission): boolean {
    return role.value !== null && roleAllows(role.value, permission);
  }

  /** Why an action is unavailable, for its title; undefined when it is available. */
  function denied(permission: Permission): string | undefined {
    return can(permission) ? undefined : `Needs the ${PERMISSIONS[permission]} role`;
  }

  function adopt(next: SessionInfo): SessionInfo {
    info.value = next;
    state.value = 'ready';
    error.value = null;
    expired.value = false;
    return next;
  }

  function load(options: { force?: boolean } = {}): Promise<void> {
    if (state.value === 'ready' && !options.force) return Promise.resolve();
    inflight ??= (async () => {
      if (state.value !== 'ready') state.value = 'loading';
      error.value = null;
      try {
        adopt(await authApi.getSession());
      } catch (cause) {
        error.value = toApiError(cause);
        state.value = 'error';
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  }

  /**
   * Fetches the session again behind what is shown (the role may have changed). A failure keeps
   * the session shown: the next call says what is wrong, and a 401 ends it as anywhere else.
   */
  async function refresh(): Promise<void> {
    if (state.value !== 'ready' || inflight) return;
    const next = await authApi.getSession().catch(() => undefined);
    if (next) adopt(next);
  }

  /** Calls that answer a new session (sign-in in its several forms, switching workspace). */
  function entering<B>(call: (body: B) => Promise<SessionInfo>) {
    return async (body: B): Promise<Outcome<SessionInfo>> => {
      const outcome = await attempt(() => call(body));
      if (outcome.ok) adopt(outcome.value);
      return outcome;
    };
  }

  const login = entering((body: LoginBody) => authApi.login(body));
  const setup = entering((body: SetupBody) => authApi.setup(body));
  const acceptInvitation = entering((body: AcceptInvitationBody) => authApi.acceptInvitation(body));
  const resetPassword = entering((body: ResetPasswordBody) => authApi.resetPassword(body));
  const switchWorkspace = entering((workspaceId: string) => authApi.switchWorkspace(workspaceId));

  function signOut(): void {
    if (info.value) info.value = { ...info.value, user: null, workspace: null, workspaces: [] };
  }

  async function logout(): Promise<Outcome<void>> {
    const outcome = await attempt(() => authApi.logout());
    if (outcome.ok) signOut();
    return outcome;
  }

  /** A call answered 401 `auth/unauthenticated`: the session is gone. */
  function expire(): void {
    if (!signedIn.value || local.value) return;
    signOut();
    expired.value = true;
  }

  function changePassword(body: ChangePasswordBody): Promise<Outcome<void>> {
    return attempt(() => authApi.changePassword(body));
  }

  function putWorkspace(membership: WorkspaceMembership): void {
    if (!info.value) return;
    const list = info.value.workspaces;
    const known = list.some((w) => w.id === membership.id);
    info.value = {
      ...info.value,
      workspace: info.value.workspace?.id === membership.id ? membership : info.value.workspace,
      workspaces: known ? list.map((w) => (w.id === membership.id ? membership : w)) : [...list, membership],
    };
  }

  async function createWorkspace(name: string): Promise<Outcome<WorkspaceMembership>> {
    const outcome = await attempt(() => authApi.createWorkspace(name));
    if (outcome.ok) putWorkspace(outcome.value);
    return outcome;
  }

  async function renameWorkspace(name: string): Promise<Outcome<WorkspaceMembership>> {
    const outcome = await attempt(() => authApi.renameWorkspace(name));
    if (outcome.ok) putWorkspace(outcome.value);
    return outcome;
  }

  return {
    info,
    state,
    error,
    expired,
    mode,
    local,
    user,
    workspace,
    workspaces,
    role,
    signedIn,
    can,
    denied,
    load,
    refresh,
    login,
    setup,
    acceptInvitation,
    resetPassword,
    switchWorkspace,
    logout,
    expire,
    changePassword,
    createWorkspace,
    renameWorkspace,
  };
});
