import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import ApprovalDetails from './ApprovalDetails.vue';

beforeEach(() => setActivePinia(createPinia()));

describe('ApprovalDetails', () => {
  it('should show a new agent’s details as facts and lists, never JSON, ids or empty values', () => {
    const wrapper = mount(ApprovalDetails, {
      props: {
        details: {
          buildId: '4b1c0b8e-0000-4000-8000-000000000001',
          agent: 'invoice_reconciler',
          title: 'Invoice Reconciler',
          reportsTo: 'finance_manager_orchestrator',
          capabilities: ['reconcile_invoices', 'flag_mismatches'],
          notes: null,
          files: { 'Context.md': '# Invoice Reconciler\n\nMatches supplier invoices.', 'index.ts': 'export {}' },
          validation: { passed: true, checks: [{ name: 'schema', passed: true }] },
        },
      },
    });
    const text = wrapper.text();
    expect(wrapper.findAll('.approval-details > div > dt').map((d) => d.text())).toEqual([
      'Title',
      'Reports to',
      'Capabilities',
      'Files',
      'Validation',
    ]);
    expect(text).toContain('reconcile invoices, flag mismatches');
    expect(text).toContain('finance manager orchestrator');
    expect(text).toContain('Passed');
    expect(text).toContain('Yes');
    expect(text).toContain('Show index.ts');
    expect(text).not.toMatch(/null|4b1c0b8e|[{[]\s*"/);
  });

  it('should show nothing when every detail is internal or empty', () => {
    const wrapper = mount(ApprovalDetails, {
      props: { details: { agent: null, dependsOn: [], autonomy: 'supervised' } },
    });
    expect(wrapper.find('[data-testid="approval-details"]').exists()).toBe(false);
  });
});
