import { ROLES, type Role } from '@orchestrator/contracts';

// ROLES runs from most to least privileged: a higher index is a lower role.

/** The less privileged of two roles: what a token acts with (its ceiling or its user's role). */
export const lowerRole = (a: Role, b: Role): Role => (ROLES.indexOf(a) >= ROLES.indexOf(b) ? a : b);

/** Whether `role` is `limit` or below it. */
export const roleWithin = (role: Role, limit: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(limit);
