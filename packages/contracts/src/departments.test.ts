import { describe, expect, it } from 'vitest';
import { departmentLabel } from './departments.js';

describe('departmentLabel', () => {
  it('should write an acronym in capitals when the department is one', () => {
    expect(departmentLabel('hr')).toBe('HR');
    expect(departmentLabel('it')).toBe('IT');
  });

  it('should keep an acronym in capitals when it is one word of several', () => {
    expect(departmentLabel('it_support')).toBe('IT support');
    expect(departmentLabel('new:hr')).toBe('HR (new)');
  });

  it('should read as a sentence when the slug has several words', () => {
    expect(departmentLabel('human_resources')).toBe('Human resources');
    expect(departmentLabel('customer-success')).toBe('Customer success');
    expect(departmentLabel('engineering')).toBe('Engineering');
  });

  it('should name a department still to be built when the slug starts with new:', () => {
    expect(departmentLabel('new:legal')).toBe('Legal (new)');
    expect(departmentLabel('new:customer_support')).toBe('Customer support (new)');
  });

  it('should say cross-department when a plan is led by several', () => {
    expect(departmentLabel('cross')).toBe('Cross-department');
  });
});
