import { describe, expect, it } from 'vitest';
import { safeNext } from './navigation';

describe('safeNext', () => {
  it('should keep a path within the app, with its query', () => {
    expect(safeNext('/projects/1?step=a')).toBe('/projects/1?step=a');
    expect(safeNext(['/approvals', '/budgets'])).toBe('/approvals');
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    '',
    '/login',
    '/login?next=/x',
  ])('should refuse %j', (raw) => expect(safeNext(raw)).toBeNull());

  it('should refuse anything that is not a string', () => {
    expect(safeNext(undefined)).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
});
