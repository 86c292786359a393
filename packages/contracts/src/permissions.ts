import { z } from 'zod';
import type { clientEventSchemas } from './events.js';

/** A member's role in a workspace. */
export const RoleSchema = z.enum(['viewer', 'member', 'approver', 'admin']);
export type Role = z.infer<typeof RoleSchema>;
export const ROLES: readonly Role[] = RoleSchema.options;

/** How much each role may do: a role may do everything a lower-ranked one may. */
const RANK: Record<Role, number> = { viewer: 0, member: 1, approver: 2, admin: 3 };

/** The less privileged of two roles (what a token acts with: its ceiling or its user's role). */
export const lowerRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);

/** Whether `role` is `limit` or below it. */
export const roleWithin = (role: Role, limit: Role): boolean => RANK[role] <= RANK[limit];

/**
 * What a request or socket event may do, and the least role that may do it: the one permission
 * matrix (docs/security.md). Every route and socket event names one of these; one that names
 * none is refused.
 */
export const PERMISSIONS = {
  /** See the workspace: chats, projects, approvals, agents, budgets, the audit log. */
  read: 'viewer',
  /** One's own account and API tokens. */
  account: 'viewer',
  /** Talk to the CEO: send and retry messages, rate delegated answers, rename and delete conversations. */
  chat: 'member',
  /** Run the work: approve plans, control and recover runs, roll back or fork, build agents, propose improvements. */
  work: 'member',
  /** Approve or reject what waits for a person. */
  decide: 'approver',
  /** Change the workforce and its limits: Context.md, definitions, versions, retirement, budgets, circuits. */
  administer: 'admin',
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof PERMISSIONS;

export function roleAllows(role: Role, permission: Permission): boolean {
  return roleWithin(PERMISSIONS[permission], role);
}

/** The permission each client→server socket event needs. */
export const SOCKET_EVENT_PERMISSIONS: Record<keyof typeof clientEventSchemas, Permission> = {
  'conversation.join': 'read',
  'conversation.leave': 'read',
  'project.join': 'read',
  'project.leave': 'read',
  'message.send': 'chat',
};
