import { ROLES, type Role } from '@orchestrator/contracts';

/** What each role may do, each including the ones before it (the permission matrix, docs/security.md). */
export const ROLE_LOOK: Record<Role, { label: string; description: string }> = {
  viewer: { label: 'Viewer', description: 'Sees chats, projects, approvals, agents, budgets and the audit log.' },
  member: { label: 'Member', description: 'Also talks to the CEO and runs the work: plans, projects, agent builds.' },
  approver: { label: 'Approver', description: 'Also approves or rejects what waits for a person.' },
  admin: { label: 'Admin', description: 'Also changes agents, budgets, members and the workspace.' },
};

/** Roles from most to least: the order people pick from. */
export const ROLES_DESCENDING: readonly Role[] = [...ROLES].reverse();

/** Roles no higher than `ceiling`, most first (what an API token may be given). */
export function rolesUpTo(ceiling: Role): Role[] {
  return ROLES_DESCENDING.filter((r) => ROLES.indexOf(r) <= ROLES.indexOf(ceiling));
}
