import { beforeAll, describe, expect, it } from 'vitest';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';
import { SHIPPED_AGENTS_DIR } from '../testing/fixtures.js';
import { answerOrgQuery, clarifyingQuestion } from './answers.js';
import { parseOrgQuestion, resolveFollowUp } from './questions.js';

let registry: AgentRegistry;
beforeAll(async () => {
  registry = AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR));
});

const ask = (text: string) => answerOrgQuery(registry, parseOrgQuestion(registry, text), false);

describe('organisation questions', () => {
  it('should name the finance manager when asked who reports to the CFO', () => {
    const answer = ask('Who reports to the CFO?')!;
    expect(answer).toContain('finance_manager_orchestrator');
    expect(answer).toMatch(/1 agent reports directly to \*\*Chief Financial Officer\*\*/);
    // Indirect reports are the finance specialists.
    for (const name of ['Financial Analyst', 'Budget Planner', 'Invoice Processor', 'ROI Calculator'])
      expect(answer).toContain(name);
  });

  it('should resolve the aliases intent recognition knows when a question uses them', () => {
    expect(parseOrgQuestion(registry, 'Who does the QA agent report to?')).toEqual({
      kind: 'manager_of',
      entity: { kind: 'agent', name: 'qa_tester' },
    });
    expect(parseOrgQuestion(registry, 'Who is on the mktg team?')).toEqual({
      kind: 'department_members',
      department: 'marketing',
    });
  });

  it('should list the CEO direct reports from the registry', () => {
    const answer = ask("who are the CEO's direct reports")!;
    for (const n of [
      'cto_orchestrator',
      'cfo_orchestrator',
      'cmo_orchestrator',
      'operations_manager_orchestrator',
      'hr_manager_orchestrator',
    ])
      expect(answer).toContain(n);
  });

  it('should list the marketing agents when asked which agents are in marketing', () => {
    const answer = ask('Which agents are in marketing?')!;
    for (const n of [
      'blog_post_writer',
      'competitor_analyst',
      'market_researcher',
      'content_strategist',
      'social_media_manager',
    ])
      expect(answer).toContain(n);
    expect(answer).toContain('Led by **Marketing Manager');
  });

  it('should answer whom an agent reports to with its reporting line', () => {
    const answer = ask('Who does the budget planner report to?')!;
    expect(answer).toContain('reports to **Finance Manager');
    expect(answer).toMatch(/Chief Executive Officer → Chief Financial Officer → Finance Manager/);
  });

  it('should describe what the orchestrator can do, honestly offline', () => {
    const answer = ask('What can you do?')!;
    expect(answer).toMatch(/34 agents/);
    expect(answer).toMatch(/offline model/);
  });

  it('should describe an agent', () => {
    expect(ask('What does the roi_calculator do?')).toMatch(/ROI Calculator.*Finance/s);
  });

  it('should ask a concrete question when the relation is unclear', () => {
    const query = parseOrgQuestion(registry, 'the CTO');
    expect(query.kind).toBe('ambiguous');
    expect(clarifyingQuestion(registry, query)).toBe(
      'What would you like to know about the Chief Technology Officer: who reports to it, whom it reports to, or what it does?',
    );
  });

  it('should not answer what it cannot understand', () => {
    const query = parseOrgQuestion(registry, 'Prepare something for the board.');
    expect(answerOrgQuery(registry, query, false)).toBeUndefined();
    expect(clarifyingQuestion(registry, query)).toMatch(/Who reports to the CFO/);
  });

  it('should resolve a follow-up against the previous question', () => {
    const first = parseOrgQuestion(registry, 'Who reports to the CFO?');
    const second = resolveFollowUp(parseOrgQuestion(registry, 'And the CTO?'), 'And the CTO?', first);
    expect(second).toEqual({ kind: 'reports_to', entity: { kind: 'agent', name: 'cto_orchestrator' } });
  });

  it('should resolve a pronoun to the entity in focus', () => {
    const query = parseOrgQuestion(registry, 'who reports to them?', { kind: 'agent', name: 'cmo_orchestrator' });
    expect(query).toEqual({ kind: 'reports_to', entity: { kind: 'agent', name: 'cmo_orchestrator' } });
  });
});
