import { describe, expect, it } from 'vitest';
import { delegationMessage } from './delegation';

describe('delegationMessage', () => {
  it('should address the task to the agent by title when the person writes an instruction', () => {
    expect(delegationMessage('Recruiter', 'Draft a job ad for a data engineer.')).toBe(
      'Ask the Recruiter to draft a job ad for a data engineer.',
    );
  });

  it('should not double "to" or keep "please" when the person already wrote them', () => {
    expect(delegationMessage('Financial Analyst', '  please to compare Q3 with Q2 ')).toBe(
      'Ask the Financial Analyst to compare Q3 with Q2',
    );
    expect(delegationMessage('Financial Analyst', 'to compare budgets')).toBe(
      'Ask the Financial Analyst to compare budgets',
    );
  });

  it('should keep an acronym at the start as written', () => {
    expect(delegationMessage('Content Strategist', 'SEO-audit the blog')).toBe(
      'Ask the Content Strategist to SEO-audit the blog',
    );
  });
});
