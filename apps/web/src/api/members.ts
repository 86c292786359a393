import {
  CreatedInvitationSchema,
  InvitationListSchema,
  MemberListSchema,
  MemberSchema,
  PasswordResetLinkSchema,
  type CreatedInvitation,
  type Invitation,
  type Member,
  type Role,
} from '@orchestrator/contracts';
import { z } from 'zod';
import { api as defaultClient, type ApiClient } from './client';

export type PasswordResetLink = z.output<typeof PasswordResetLinkSchema>;

/** The current workspace's members and invitations (admins). */
export interface MembersApi {
  listMembers(): Promise<Member[]>;
  /** 409 `member/last_admin` when it would leave the workspace without an admin. */
  changeRole(userId: string, role: Role): Promise<Member>;
  /** 409 `member/last_admin` as above. */
  removeMember(userId: string): Promise<void>;
  /** A one-time link for the admin to hand to the member. */
  createResetLink(userId: string): Promise<PasswordResetLink>;
  listInvitations(): Promise<Invitation[]>;
  /** The answer holds the accept link: the only time it is shown. */
  invite(email: string, role: Role): Promise<CreatedInvitation>;
  revokeInvitation(id: string): Promise<void>;
}

const enc = encodeURIComponent;
const NoContent = z.unknown();

export function createMembersApi(client: ApiClient = defaultClient): MembersApi {
  const member = (userId: string) => `/api/members/${enc(userId)}`;
  return {
    listMembers: async () => (await client.request('GET', '/api/members', MemberListSchema)).members,
    changeRole: (userId, role) => client.request('PUT', `${member(userId)}/role`, MemberSchema, { role }),
    removeMember: async (userId) => {
      await client.request('DELETE', member(userId), NoContent);
    },
    createResetLink: (userId) => client.request('POST', `${member(userId)}/password-reset`, PasswordResetLinkSchema),
    listInvitations: async () => (await client.request('GET', '/api/invitations', InvitationListSchema)).invitations,
    invite: (email, role) => client.request('POST', '/api/invitations', CreatedInvitationSchema, { email, role }),
    revokeInvitation: async (id) => {
      await client.request('DELETE', `/api/invitations/${enc(id)}`, NoContent);
    },
  };
}

/** The app's member endpoints; the members store uses this one. */
export const membersApi: MembersApi = createMembersApi();
