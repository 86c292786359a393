import type { Role } from '@orchestrator/contracts';

/** How much each role may do: a role may do everything a lower-ranked one may. */
const RANK: Record<Role, number> = { viewer: 0, member: 1, approver: 2, admin: 3 };

/** The less privileged of two roles: what a token acts with (its ceiling or its user's role). */
export const lowerRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);

/** Whether `role` is `limit` or below it. */
export const roleWithin = (role: Role, limit: Role): boolean => RANK[role] <= RANK[limit];
