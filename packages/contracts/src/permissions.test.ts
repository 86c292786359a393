import { describe, expect, it } from 'vitest';
import { lowerRole, RoleSchema, roleWithin } from './permissions.js';

describe('roles', () => {
  it('should take the less privileged of two roles, in either order', () => {
    expect(lowerRole('admin', 'member')).toBe('member');
    expect(lowerRole('member', 'admin')).toBe('member');
    expect(lowerRole('viewer', 'approver')).toBe('viewer');
    expect(lowerRole('approver', 'member')).toBe('member');
    for (const role of RoleSchema.options) expect(lowerRole(role, role)).toBe(role);
  });

  it('should allow a role at or below a limit and nothing above it', () => {
    expect(roleWithin('member', 'approver')).toBe(true);
    expect(roleWithin('approver', 'approver')).toBe(true);
    expect(roleWithin('admin', 'approver')).toBe(false);
    expect(RoleSchema.options.filter((r) => roleWithin(r, 'member')).sort()).toEqual(['member', 'viewer']);
  });
});
