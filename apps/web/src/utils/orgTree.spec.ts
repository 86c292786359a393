import { describe, expect, it } from 'vitest';
import { agent } from '../testing/factories';
import { buildOrgTree, countNodes, type OrgNode } from './orgTree';

function shape(nodes: OrgNode[]): unknown {
  return nodes.map((n) => (n.children.length ? { [n.agent.name]: shape(n.children) } : n.agent.name));
}

describe('buildOrgTree', () => {
  it('should build the hierarchy from a flat list with the CEO at the root', () => {
    const agents = [
      agent({ name: 'accountant', title: 'Accountant', reportsTo: 'finance_manager' }),
      agent({ name: 'cfo', title: 'CFO', type: 'orchestrator', reportsTo: 'ceo' }),
      agent({ name: 'ceo', title: 'CEO', type: 'orchestrator', reportsTo: null }),
      agent({ name: 'cto', title: 'CTO', type: 'orchestrator', reportsTo: 'ceo' }),
      agent({ name: 'finance_manager', title: 'Finance manager', type: 'orchestrator', reportsTo: 'cfo' }),
      agent({ name: 'analyst', title: 'Analyst', reportsTo: 'cfo' }),
    ];
    const tree = buildOrgTree(agents);

    expect(shape(tree)).toEqual([{ ceo: [{ cfo: [{ finance_manager: ['accountant'] }, 'analyst'] }, 'cto'] }]);
    expect(tree[0]?.depth).toBe(0);
    expect(tree[0]?.children[0]?.children[0]?.children[0]?.depth).toBe(3);
    expect(countNodes(tree)).toBe(agents.length);
  });

  it('should keep an agent whose manager is unknown at the top with the missing name', () => {
    const tree = buildOrgTree([agent({ name: 'ceo' }), agent({ name: 'stray', reportsTo: 'ghost' })]);
    expect(tree.map((n) => n.agent.name)).toEqual(['ceo', 'stray']);
    expect(tree[1]?.missingManager).toBe('ghost');
    expect(tree[0]?.missingManager).toBeNull();
  });

  it('should not lose or loop on agents in a reporting cycle', () => {
    const agents = [
      agent({ name: 'ceo' }),
      agent({ name: 'alpha', reportsTo: 'beta' }),
      agent({ name: 'beta', reportsTo: 'alpha' }),
      agent({ name: 'selfish', reportsTo: 'selfish' }),
    ];
    const tree = buildOrgTree(agents);
    expect(countNodes(tree)).toBe(4);
  });

  it('should return no roots for no agents', () => {
    expect(buildOrgTree([])).toEqual([]);
  });
});
