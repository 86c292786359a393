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

describe('delegationMessage with the ways people phrase a request', () => {
  it('should drop greetings, polite questions and the agent addressed by title when they lead the task', () => {
    expect(delegationMessage('ROI Calculator', 'Can you please work out the ROI of a €40k CRM?')).toBe(
      'Ask the ROI Calculator to work out the ROI of a €40k CRM',
    );
    expect(delegationMessage('ROI Calculator', 'Hi, ROI Calculator: compare both offers')).toBe(
      'Ask the ROI Calculator to compare both offers',
    );
    expect(delegationMessage('Recruiter', 'I need you to  shortlist three   candidates')).toBe(
      'Ask the Recruiter to shortlist three candidates',
    );
    expect(delegationMessage('Recruiter', 'ask the recruiter to screen CVs')).toBe('Ask the Recruiter to screen CVs');
  });
});

describe('delegationMessage keeps the task itself', () => {
  it('should keep a task that starts with "tell" when it does not name the agent', () => {
    expect(delegationMessage('Social Media Manager', 'Tell our followers about the launch')).toBe(
      'Ask the Social Media Manager to tell our followers about the launch',
    );
  });
});
