import type { CreatedInvitation, Invitation, Member, Role } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { toApiError, type ApiError } from '../api';
import { membersApi, type PasswordResetLink } from '../api/members';
import { attempt } from './attempt';
import type { Outcome } from './budgets';
import type { LoadState } from './conversations';
import { createHeadStart, createInflight } from './inflight';

const byName = (a: Member, b: Member) => a.displayName.localeCompare(b.displayName) || a.email.localeCompare(b.email);
const newestFirst = (a: Invitation, b: Invitation) => Date.parse(b.createdAt) - Date.parse(a.createdAt);

/** The current workspace's members and pending invitations (admins only). */
export const useMembersStore = defineStore('members', () => {
  const byUserId = ref<Record<string, Member>>({});
  const membersState = ref<LoadState>('idle');
  const membersError = ref<ApiError | null>(null);
  const invitationsById = ref<Record<string, Invitation>>({});
  const invitationsState = ref<LoadState>('idle');
  const invitationsError = ref<ApiError | null>(null);
  /** What is being done to a member or invitation right now, by id. */
  const working = ref<Record<string, 'role' | 'remove' | 'reset' | 'revoke' | undefined>>({});
  const { once } = createInflight();
  const head = createHeadStart();

  const members = computed(() => Object.values(byUserId.value).sort(byName));
  const invitations = computed(() => Object.values(invitationsById.value).sort(newestFirst));
  const adminCount = computed(() => members.value.filter((m) => m.role === 'admin').length);

  function loadMembers(): Promise<void> {
    return once('members', async () => {
      if (membersState.value !== 'ready') membersState.value = 'loading';
      membersError.value = null;
      try {
        const list = await membersApi.listMembers();
        byUserId.value = Object.fromEntries(list.map((m) => [m.userId, m]));
        membersState.value = 'ready';
      } catch (cause) {
        membersError.value = toApiError(cause);
        membersState.value = 'error';
      }
    });
  }

  function loadInvitations(): Promise<void> {
    return once('invitations', async () => {
      if (invitationsState.value !== 'ready') invitationsState.value = 'loading';
      invitationsError.value = null;
      try {
        const list = await membersApi.listInvitations();
        invitationsById.value = Object.fromEntries(list.map((i) => [i.id, i]));
        invitationsState.value = 'ready';
      } catch (cause) {
        invitationsError.value = toApiError(cause);
        invitationsState.value = 'error';
      }
    });
  }

  function load(): Promise<void> {
    return head.take('all') ?? fetchAll();
  }

  async function fetchAll(): Promise<void> {
    await Promise.all([loadMembers(), loadInvitations()]);
  }

  /** Before the members page has loaded (router prefetch); nothing if already known. */
  function prefetch(): void {
    if (membersState.value === 'idle') void head.start('all', fetchAll);
  }

  async function busyWith<T>(id: string, what: NonNullable<(typeof working.value)[string]>, call: () => Promise<T>) {
    working.value[id] = what;
    try {
      return await attempt(call);
    } finally {
      working.value[id] = undefined;
    }
  }

  async function changeRole(userId: string, role: Role): Promise<Outcome<Member>> {
    const outcome = await busyWith(userId, 'role', () => membersApi.changeRole(userId, role));
    if (outcome.ok) byUserId.value[userId] = outcome.value;
    return outcome;
  }

  async function remove(userId: string): Promise<Outcome<void>> {
    const outcome = await busyWith(userId, 'remove', () => membersApi.removeMember(userId));
    if (outcome.ok) delete byUserId.value[userId];
    return outcome;
  }

  function createResetLink(userId: string): Promise<Outcome<PasswordResetLink>> {
    return busyWith(userId, 'reset', () => membersApi.createResetLink(userId));
  }

  async function invite(email: string, role: Role): Promise<Outcome<CreatedInvitation>> {
    const outcome = await attempt(() => membersApi.invite(email, role));
    if (outcome.ok) {
      // Listed without its link: the link is shown once, where it was made.
      const { acceptUrl: _shownOnce, ...invitation } = outcome.value;
      invitationsById.value[invitation.id] = invitation;
    }
    return outcome;
  }

  async function revokeInvitation(id: string): Promise<Outcome<void>> {
    const outcome = await busyWith(id, 'revoke', () => membersApi.revokeInvitation(id));
    if (outcome.ok) delete invitationsById.value[id];
    return outcome;
  }

  return {
    prefetch,
    byUserId,
    members,
    membersState,
    membersError,
    invitations,
    invitationsState,
    invitationsError,
    working,
    adminCount,
    load,
    loadMembers,
    loadInvitations,
    changeRole,
    remove,
    createResetLink,
    invite,
    revokeInvitation,
  };
});
