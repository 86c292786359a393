import type { AgentDefinition } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { agentDiff, unifiedDiff } from './diff.js';

const definition: AgentDefinition = {
  name: 'writer',
  title: 'Writer',
  department: 'marketing',
  type: 'context',
  reportsTo: 'boss',
  description: 'Writes.',
  capabilities: ['copywriting'],
  keywords: [],
  risk: { default: 'low', actions: {} },
  model: { provider: 'default' },
  limits: { maxConcurrent: 1 },
};

describe('unifiedDiff', () => {
  it('should be empty when both texts are equal', () => {
    expect(unifiedDiff('Context.md', 'a\nb\n', 'a\nb\n', 'version 1', 'version 2')).toBe('');
  });

  it('should produce unified hunks with file headers when lines change', () => {
    const diff = unifiedDiff(
      'Context.md',
      '# Role\nold line\nkeep\n',
      '# Role\nnew line\nkeep\n',
      'version 1',
      'version 2',
    );
    expect(diff).toContain('--- a/Context.md\tversion 1');
    expect(diff).toContain('+++ b/Context.md\tversion 2');
    expect(diff).toContain('@@ -1,3 +1,3 @@');
    expect(diff).toContain('\n-old line\n+new line\n');
  });
});

describe('agentDiff', () => {
  it('should diff Context.md and agent.yaml separately when both changed', () => {
    const diff = agentDiff(
      { version: 1, contextMd: 'one\n', definition },
      { version: 3, contextMd: 'two\n', definition: { ...definition, title: 'Senior Writer' } },
    );
    expect(diff.from).toBe(1);
    expect(diff.to).toBe(3);
    expect(diff.contextDiff).toContain('-one\n+two');
    expect(diff.definitionDiff).toContain('-title: Writer\n+title: Senior Writer');
  });

  it('should leave agent.yaml empty and label a proposal when only Context.md changed', () => {
    const diff = agentDiff(
      { version: 2, contextMd: 'a\n', definition },
      { version: null, contextMd: 'b\n', definition },
    );
    expect(diff.definitionDiff).toBe('');
    expect(diff.contextDiff).toContain('+++ b/Context.md\tproposed');
  });
});
