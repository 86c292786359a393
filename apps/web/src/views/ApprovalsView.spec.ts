import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import type { Approval, ApprovalDetail } from '@orchestrator/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { RouterView } from 'vue-router';
import { useApprovalsStore } from '../stores/approvals';
import { agent, approval, uuid } from '../testing/factories';
import { json, mockFetch, type RecordedRequest } from '../testing/fetchMock';
import { mountWithPrime } from '../testing/mount';
import { routerAt } from '../testing/router';
import { signInAs } from '../testing/identity';

// Role-aware controls need a role: these tests act as an admin.
beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
});
afterEach(() => {
  document.body.innerHTML = '';
});
// Registered last so it runs first (after-hooks run as a stack): unmount, then clear the DOM.
// A mounted app left behind keeps timers running and can switch the active Pinia under the next test.
enableAutoUnmount(afterEach);

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 10, minutes)).toISOString();
const decided = (a: Approval, status: 'approved' | 'rejected' = 'approved'): Approval => ({
  ...a,
  status,
  decidedAt: at(50),
  decidedBy: 'Ada',
});

const email = approval({
  stepName: 'Send the launch email',
  riskLevel: 'critical',
  requestedAt: at(10),
  preview: {
    summary: 'Sends the launch email to 12,000 customers.',
    details: { recipients: 12000, segments: ['eu', 'us'] },
  },
});
const post = approval({
  stepName: 'Publish the blog post',
  riskLevel: 'medium',
  agentName: 'content_writer',
  department: 'marketing',
  requestedAt: at(5),
});
const invoice = approval({ stepName: 'Pay the invoice', riskLevel: 'high', department: 'finance', requestedAt: at(0) });

function serve(routes: Parameters<typeof mockFetch>[0] = {}, list: Approval[] = [email, post, invoice]) {
  return mockFetch({
    'GET /api/approvals': json({ approvals: list, nextCursor: null }),
    'GET /api/inbox': json({
      approvals: [email],
      humanSteps: [
        {
          projectId: uuid(),
          projectTitle: 'Launch',
          stepKey: 'review',
          name: 'Review the forecast',
          description: 'Check the quarterly forecast',
          assignedHuman: 'Sarah',
          collaboration: 'review',
          riskLevel: 'medium',
          dueAt: '2020-01-01T00:00:00.000Z',
          overdue: true,
          lastRemindedAt: null,
          waitingSince: '2019-12-30T00:00:00.000Z',
        },
      ],
    }),
    'GET /api/agents': json({ agents: [agent({ name: 'cfo', department: 'finance' })] }),
    ...routes,
  });
}

async function mountAt(path = '/approvals') {
  const router = await routerAt(path);
  const Shell = defineComponent({ render: () => h(RouterView) });
  const wrapper = mountWithPrime(Shell, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

type Wrapper = Awaited<ReturnType<typeof mountAt>>['wrapper'];
const rows = (wrapper: Wrapper) => wrapper.findAll('[data-testid="approval-row"]');
const row = (wrapper: Wrapper, id: string) => wrapper.get(`[data-testid="approval-row"][data-approval-id="${id}"]`);
const confirmWith = async (notes: string) => {
  const field = document.body.querySelector<HTMLTextAreaElement>('[data-testid="confirm-notes"]');
  field!.value = notes;
  field!.dispatchEvent(new Event('input'));
  document.body.querySelector<HTMLButtonElement>('[data-testid="confirm-accept"]')?.click();
  await flushPromises();
};
const posts = (requests: RecordedRequest[]) => requests.filter((r) => r.method === 'POST');
const bulkDialog = () => document.body.querySelector<HTMLElement>('[data-testid="bulk-dialog"]');
const confirmBulkWith = async (notes: string) => {
  const field = document.body.querySelector<HTMLTextAreaElement>('[data-testid="bulk-notes"]');
  field!.value = notes;
  field!.dispatchEvent(new Event('input'));
  await flushPromises();
  document.body.querySelector<HTMLButtonElement>('[data-testid="bulk-confirm"]')?.click();
  await flushPromises();
};
/** What GET /api/approvals/:id adds to an approval. */
const detailOf = (a: Approval, extra: Partial<ApprovalDetail> = {}): ApprovalDetail => ({
  ...a,
  requestedBy: 'Ada Admin',
  autonomy: 'semi_autonomous',
  inputs: [],
  upcoming: [],
  standing: null,
  ...extra,
});

describe('ApprovalsView', () => {
  it('should list pending approvals newest first with risk, project, agent, department and expiry', async () => {
    const { requests } = serve();
    const { wrapper } = await mountAt();

    expect(requests.map((r) => r.url)).toContain('/api/approvals?status=pending&limit=50');
    expect(rows(wrapper).map((r) => [r.attributes('data-approval-id'), r.attributes('data-risk')])).toEqual([
      [email.id, 'critical'],
      [post.id, 'medium'],
      [invoice.id, 'high'],
    ]);
    const second = row(wrapper, post.id);
    expect(second.text()).toContain('Publish the blog post');
    expect(second.text()).toContain('Launch the new product');
    expect(second.text()).toContain('content_writer');
    expect(second.text()).toContain('Marketing');
    expect(second.text()).toContain('Medium');
    expect(second.get('[data-testid="approval-expiry"]').text()).toBe('—');
    expect(wrapper.get('[data-testid="approvals-pending-count"]').text()).toBe('3 pending');
  });

  it('should not offer a decision on an approval whose expiry has passed', async () => {
    const late = approval({ stepName: 'Late one', expiresAt: '2020-01-01T00:00:00.000Z', requestedAt: at(20) });
    serve({}, [late, post]);
    const { wrapper } = await mountAt();
    const lateRow = row(wrapper, late.id);
    expect(lateRow.get('[data-testid="approval-expiry"]').text()).toBe('expired');
    expect(lateRow.find('[data-testid="approval-approve"]').exists()).toBe(false);
    expect(lateRow.text()).toContain('Too late to decide');
    expect(lateRow.get('[data-testid="approval-select"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="approvals-select-all"]').setValue(true);
    expect(wrapper.get('[data-testid="approvals-bulk"]').text()).toContain('1 selected');
  });

  it('should approve one row with notes and take it out of the queue', async () => {
    const { requests } = serve({ [`POST /api/approvals/${post.id}/decision`]: json(decided(post)) });
    const { wrapper } = await mountAt();
    await row(wrapper, post.id).get('[data-testid="approval-approve"]').trigger('click');
    await flushPromises();
    expect(document.body.querySelector('[data-testid="confirm-dialog"]')?.textContent).toContain(
      'If approved: Sends the launch email',
    );
    expect(posts(requests)).toEqual([]);

    await confirmWith('Checked the copy');

    expect(posts(requests).map((r) => r.body)).toEqual([{ decision: 'approve', notes: 'Checked the copy' }]);
    expect(rows(wrapper).map((r) => r.attributes('data-approval-id'))).toEqual([email.id, invoice.id]);
    expect(wrapper.get('[data-testid="approvals-notice"]').text()).toContain('“Publish the blog post” approved.');
  });

  it('should remove a row live when it is decided elsewhere, and add new requests on top', async () => {
    serve();
    const { wrapper } = await mountAt();
    const store = useApprovalsStore();

    store.applyDecided(decided(invoice, 'rejected'));
    const fresh = approval({ stepName: 'Delete old records', riskLevel: 'critical', requestedAt: at(40) });
    store.applyRequested(fresh);
    await nextTick();

    expect(rows(wrapper).map((r) => r.attributes('data-approval-id'))).toEqual([fresh.id, email.id, post.id]);
    expect(store.pendingCount).toBe(3);
  });

  it('should say which approval was decided elsewhere when a decision comes too late', async () => {
    serve({
      [`POST /api/approvals/${invoice.id}/decision`]: json(
        { error: { code: 'approval/already_decided', message: 'This approval was already decided.' } },
        409,
      ),
      [`GET /api/approvals/${invoice.id}`]: json(decided(invoice, 'rejected')),
    });
    const { wrapper } = await mountAt();
    await row(wrapper, invoice.id).get('[data-testid="approval-reject"]').trigger('click');
    await flushPromises();
    await confirmWith('');
    expect(wrapper.get('[data-testid="approvals-notice"]').text()).toBe(
      '“Pay the invoice”: This approval was already decided. It is rejected by Ada.',
    );
    expect(wrapper.find(`[data-approval-id="${invoice.id}"][data-testid="approval-row"]`).exists()).toBe(false);
  });

  it('should bulk approve the selection and report the ones that could not be decided', async () => {
    const { requests } = serve({
      'POST /api/approvals/bulk-decision': json({
        results: [
          { id: email.id, ok: true, approval: decided(email) },
          { id: invoice.id, ok: false, error: { code: 'approval/expired', message: 'This approval expired.' } },
        ],
      }),
      [`GET /api/approvals/${invoice.id}`]: json({ ...invoice, status: 'expired' }),
    });
    const { wrapper } = await mountAt();
    const bulk = wrapper.get('[data-testid="approvals-bulk-approve"]');
    expect(bulk.attributes('disabled')).toBeDefined();

    await row(wrapper, email.id).get('[data-testid="approval-select"]').setValue(true);
    await row(wrapper, invoice.id).get('[data-testid="approval-select"]').setValue(true);
    expect(wrapper.get('[data-testid="approvals-bulk"]').text()).toContain('2 selected');
    await bulk.trigger('click');
    await flushPromises();
    expect(bulkDialog()?.textContent).toContain('Project steps (2)');
    await confirmBulkWith('Quarter close');

    expect(posts(requests).map((r) => r.body)).toEqual([
      { ids: [email.id, invoice.id], decision: 'approve', notes: 'Quarter close' },
    ]);
    expect(wrapper.get('[data-testid="approvals-notice"]').text()).toBe(
      '1 approved. 1 could not be decided: “Pay the invoice” — This approval expired.',
    );
    expect(rows(wrapper).map((r) => r.attributes('data-approval-id'))).toEqual([post.id]);
    expect(wrapper.get('[data-testid="approvals-bulk"]').text()).toContain('0 selected');
  });

  it('should select every pending row at once and bulk reject them', async () => {
    const { requests } = serve({
      'POST /api/approvals/bulk-decision': json({
        results: [email, post, invoice].map((a) => ({ id: a.id, ok: true, approval: decided(a, 'rejected') })),
      }),
    });
    const { wrapper } = await mountAt();
    await wrapper.get('[data-testid="approvals-select-all"]').setValue(true);
    await wrapper.get('[data-testid="approvals-bulk-reject"]').trigger('click');
    await flushPromises();
    await confirmBulkWith('');
    expect(posts(requests).map((r) => r.body)).toEqual([{ ids: [email.id, post.id, invoice.id], decision: 'reject' }]);
    expect(wrapper.get('[data-testid="approvals-empty"]').text()).toContain('Nothing waits for approval');
  });

  it('should preview what will happen, with details in words and never JSON', async () => {
    serve({ [`GET /api/approvals/${email.id}`]: json(detailOf(email)) });
    const { wrapper, router } = await mountAt();
    expect(wrapper.get('[data-testid="approval-preview"]').text()).toContain('Choose an approval');
    await row(wrapper, email.id).get('[data-testid="approval-open"]').trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.query['approval']).toBe(email.id);
    const preview = wrapper.get('[data-testid="approval-preview"]');
    expect(preview.get('[data-testid="approval-summary"]').text()).toBe('Sends the launch email to 12,000 customers.');
    const details = preview.get('[data-testid="approval-details"]');
    expect(details.findAll(':scope > div > dt').map((d) => d.text())).toEqual(['Recipients', 'Segments']);
    expect(details.findAll(':scope > div > dd').map((d) => d.text())).toEqual(['12,000', 'eu, us']);
    expect(preview.text()).not.toMatch(/[[{]\s*"|null|send_email/);
    expect(preview.get('[data-testid="approval-why"]').text()).toBe(
      'Critical risk: it involves money, customer communication or deleting something. This project runs semi-autonomous: steps of medium risk and above wait for a person.',
    );
    expect(preview.get('[data-testid="approval-asked-by"]').text()).toBe(
      'email_marketer, for “Launch the new product”, which Ada Admin started.',
    );
    expect(row(wrapper, email.id).attributes('data-previewing')).toBe('true');
    expect(row(wrapper, email.id).get('[data-testid="approval-open"]').attributes('aria-pressed')).toBe('true');
  });

  it('should list what needs this person: approvals and overdue human steps', async () => {
    serve();
    const { wrapper } = await mountAt();
    const items = wrapper.findAll('[data-testid="inbox-item"]');
    expect(items.map((i) => i.attributes('data-kind'))).toEqual(['approval', 'step']);
    expect(items[0]?.text()).toContain('Approve “Send the launch email”');
    expect(items[1]?.text()).toContain('Review the forecast');
    expect(items[1]?.text()).toContain('Sarah (review)');
    expect(items[1]?.text()).toContain('Overdue');

    useApprovalsStore().applyDecided(decided(email));
    await nextTick();
    expect(wrapper.findAll('[data-testid="inbox-item"]').map((i) => i.attributes('data-kind'))).toEqual(['step']);
  });

  it('should filter by risk through the URL and say when nothing matches', async () => {
    const { requests } = serve({}, []);
    const { wrapper } = await mountAt('/approvals?risk=critical&status=all');
    expect(requests.map((r) => r.url)).toContain('/api/approvals?riskLevel=critical&limit=50');
    expect(wrapper.get('[data-testid="approvals-empty"]').text()).toBe('No approvals match these filters.');
  });

  it('should show the error and retry', async () => {
    let attempts = 0;
    serve({
      'GET /api/approvals': ({ url }) => {
        if (url.includes('limit=200')) return { body: { approvals: [], nextCursor: null } };
        attempts += 1;
        return attempts === 1
          ? { status: 503, body: { error: { code: 'database/unavailable', message: 'The database is unavailable.' } } }
          : { body: { approvals: [post], nextCursor: null } };
      },
    });
    const { wrapper } = await mountAt();
    const error = wrapper.get('[data-testid="approvals-error"]');
    expect(error.text()).toContain('The database is unavailable.');
    await error.get('button').trigger('click');
    await flushPromises();
    expect(rows(wrapper)).toHaveLength(1);
  });

  it('should let a viewer read approvals but not decide them, saying which role that needs', async () => {
    signInAs('viewer');
    const { requests } = serve();
    const { wrapper } = await mountAt(`/approvals?approval=${email.id}`);

    const approve = row(wrapper, email.id).get('[data-testid="approval-approve"]');
    expect(approve.attributes('disabled')).toBeDefined();
    expect(approve.attributes('title')).toBe('Needs the approver role');
    expect(row(wrapper, email.id).get('[data-testid="approval-reject"]').attributes('disabled')).toBeDefined();
    expect(row(wrapper, email.id).get('[data-testid="approval-select"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="approvals-bulk-approve"]').attributes('title')).toBe('Needs the approver role');
    expect(wrapper.get('[data-testid="approvals-role-notice"]').text()).toBe(
      'Needs the approver role to approve or reject.',
    );
    expect(wrapper.get('[data-testid="approval-preview-approve"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="approval-role-notice"]').text()).toBe(
      'Needs the approver role to approve or reject.',
    );
    expect(wrapper.get('[data-testid="inbox-item"][data-kind="approval"]').text()).toContain(
      'Review “Send the launch email”',
    );
    expect(posts(requests)).toEqual([]);
  });

  it('should let an approver decide', async () => {
    signInAs('approver');
    serve();
    const { wrapper } = await mountAt();
    const approve = row(wrapper, email.id).get('[data-testid="approval-approve"]');
    expect(approve.attributes('disabled')).toBeUndefined();
    expect(approve.attributes('title')).toBeUndefined();
    expect(wrapper.find('[data-testid="approvals-role-notice"]').exists()).toBe(false);
  });
});
