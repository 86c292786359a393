import { describe, expect, it } from 'vitest';
import { agent } from '../../testing/factories';
import { mountWithPrime } from '../../testing/mount';
import { buildOrgTree } from '../../utils/orgTree';
import OrgTree from './OrgTree.vue';

const agents = [
  agent({ name: 'ceo', title: 'Chief Executive Officer', type: 'orchestrator', department: 'executive' }),
  agent({
    name: 'cfo',
    title: 'Chief Financial Officer',
    type: 'orchestrator',
    department: 'finance',
    reportsTo: 'ceo',
    status: 'busy',
  }),
  agent({
    name: 'accountant',
    title: 'Accountant',
    department: 'finance',
    reportsTo: 'cfo',
    status: 'offline',
    loadError: 'agents/finance/accountant/agent.yaml: capabilities: must not be empty',
  }),
];

describe('OrgTree', () => {
  it('should render the hierarchy as nested lists with a node per agent', () => {
    const wrapper = mountWithPrime(OrgTree, { props: { nodes: buildOrgTree(agents) } });
    const nodes = wrapper.findAll('[data-testid="org-node"]');
    expect(nodes.map((n) => n.attributes('data-agent'))).toEqual(['ceo', 'cfo', 'accountant']);

    const ceo = wrapper.get('[data-agent="ceo"]');
    const cfo = ceo.get('[data-agent="cfo"]');
    expect(cfo.find('[data-agent="accountant"]').exists()).toBe(true);
    expect(cfo.text()).toContain('Chief Financial Officer');
    expect(cfo.text()).toContain('Finance');
    expect(cfo.text()).toContain('Orchestrator');
    expect(cfo.text()).toContain('Busy');
  });

  it('should show the definition error of an agent that failed to load', () => {
    const wrapper = mountWithPrime(OrgTree, { props: { nodes: buildOrgTree(agents) } });
    const error = wrapper.get('[data-agent="accountant"] [data-testid="agent-load-error"]');
    expect(error.text()).toContain('capabilities: must not be empty');
  });

  it('should collapse and expand direct reports with an accessible toggle', async () => {
    const wrapper = mountWithPrime(OrgTree, { props: { nodes: buildOrgTree(agents) } });
    const toggle = wrapper.get('[data-agent="ceo"] button[aria-controls]');
    expect(toggle.attributes('aria-expanded')).toBe('true');
    await toggle.trigger('click');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    const list = wrapper.get(`#${toggle.attributes('aria-controls')}`);
    expect((list.element as HTMLElement).style.display).toBe('none');
  });
});
