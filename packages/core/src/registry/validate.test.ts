import type { AgentDefinition } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import type { LoadedAgent } from './load.js';
import { checkAgentChange } from './validate.js';

const def = (name: string, reportsTo: string | null, extra: Partial<AgentDefinition> = {}): AgentDefinition => ({
  name,
  title: name,
  department: 'engineering',
  type: 'context',
  reportsTo,
  description: 'd',
  capabilities: ['a_b'],
  keywords: [],
  risk: { default: 'low', actions: {} },
  model: { provider: 'default' },
  limits: { maxConcurrent: 1 },
  ...extra,
});
const loaded = (d: AgentDefinition): LoadedAgent => ({
  definition: d,
  contextMd: '# Role',
  sourcePath: `engineering/${d.name}`,
  contentHash: 'h',
});
const team = [loaded(def('boss', null)), loaded(def('lead', 'boss')), loaded(def('dev', 'lead'))];

describe('checkAgentChange', () => {
  it('should pass when a new agent reports to a known manager', () => {
    expect(
      checkAgentChange(team, { definition: def('tester', 'lead'), contextMd: '# Tester' }, { requireModule: true }),
    ).toEqual({ errors: [], warnings: [] });
  });

  it('should refuse an unknown reportsTo when the manager does not exist', () => {
    const { errors } = checkAgentChange(
      team,
      { definition: def('tester', 'ghost'), contextMd: '# Tester' },
      { requireModule: true },
    );
    expect(errors).toEqual(['agent.yaml: reportsTo: "ghost" is not a known, valid agent']);
  });

  it('should refuse a cycle and name the agents it would break when a manager reports to its own report', () => {
    const { errors } = checkAgentChange(
      team,
      { definition: def('lead', 'dev'), contextMd: '# Lead' },
      { requireModule: false },
    );
    expect(errors.join('\n')).toMatch(/cycle/);
  });

  it('should refuse a second root, a bad schema and hostile content when present', () => {
    expect(
      checkAgentChange(team, { definition: def('other_boss', null), contextMd: '# X' }, { requireModule: true })
        .errors[0],
    ).toMatch(/reserved for the top/);
    expect(
      checkAgentChange(
        team,
        { definition: { ...def('x_y', 'boss'), capabilities: [] }, contextMd: '# X' },
        { requireModule: true },
      ).errors[0],
    ).toMatch(/^agent.yaml: capabilities:/);
    expect(
      checkAgentChange(team, { definition: def('x_y', 'boss'), contextMd: 'a\u0000' }, { requireModule: true })
        .errors[0],
    ).toMatch(/U\+0000/);
  });

  it('should require module source when a new agent is function-based', () => {
    const { errors } = checkAgentChange(
      team,
      { definition: def('calc', 'boss', { type: 'function' }), contextMd: '# Calc', moduleSource: null },
      { requireModule: true },
    );
    expect(errors).toEqual(['index.ts: a function-based agent needs its module source']);
  });
});
