import { describe, expect, it } from 'vitest';
import { elapsedText, projectReportText, type ProjectReportInput } from './report.js';

const ID = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';

function report(overrides: Partial<ProjectReportInput> = {}): ProjectReportInput {
  return {
    projectId: ID,
    title: 'Product launch in Germany',
    status: 'completed',
    reason: null,
    startedAt: new Date('2026-12-01T10:00:00Z'),
    endedAt: new Date('2026-12-01T10:07:20Z'),
    steps: [
      { key: 'marketing/market_research', name: 'Market and customer research', status: 'completed', hasResult: true },
      { key: 'finance/budget_approval', name: 'Launch budget approval', status: 'completed', hasResult: false },
      { key: 'go_no_go', name: 'Launch [go/no-go]', status: 'completed', hasResult: true },
    ],
    costUsd: 0,
    llmCalls: 0,
    ...overrides,
  };
}

describe('projectReportText', () => {
  it('should report outcome, steps done, duration and cost, and link each output to its result', () => {
    const text = projectReportText(report());
    expect(text.split('\n')[0]).toBe(
      '**Product launch in Germany** is complete: 3 of 3 steps done in 7 minutes; no LLM calls, so no model cost.',
    );
    expect(text).toContain(`- [Market and customer research](/projects/${ID}?step=marketing%2Fmarket_research)`);
    expect(text).toContain(`- [Launch \\[go/no-go\\]](/projects/${ID}?step=go_no_go)`);
    // A decision without a result is not an output.
    expect(text).not.toContain('Launch budget approval');
    expect(text.endsWith(`[Open the project](/projects/${ID})`)).toBe(true);
  });

  it('should say why and how far it got when a project was stopped', () => {
    const text = projectReportText(
      report({
        status: 'aborted',
        reason: 'Cancelled by a person',
        steps: [
          { key: 'a', name: 'Research', status: 'completed', hasResult: true },
          { key: 'b', name: 'Write', status: 'cancelled', hasResult: false },
        ],
        costUsd: 0.0421,
        llmCalls: 3,
      }),
    );
    expect(text).toMatch(
      /^\*\*Product launch in Germany\*\* was stopped: 1 of 2 steps done in 7 minutes; \$0\.04 for 3 LLM calls\./,
    );
    expect(text).toContain('Why: Cancelled by a person');
  });

  it('should list a dozen outputs and count the rest when a project has many', () => {
    const steps = Array.from({ length: 15 }, (_, i) => ({
      key: `s${i}`,
      name: `Step ${i}`,
      status: 'completed',
      hasResult: true,
    }));
    const text = projectReportText(report({ steps }));
    expect(text.match(/^- \[Step/gm)).toHaveLength(12);
    expect(text).toContain('- and 3 more in the project');
  });
});

describe('elapsedText', () => {
  it('should read as a person would say it', () => {
    expect(elapsedText(20_000)).toBe('under a minute');
    expect(elapsedText(60_000)).toBe('1 minute');
    expect(elapsedText(125 * 60_000)).toBe('2 hours 5 minutes');
    expect(elapsedText(120 * 60_000)).toBe('2 hours');
    expect(elapsedText(72 * 3_600_000)).toBe('3 days');
  });
});
