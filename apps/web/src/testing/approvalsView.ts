import type { Approval, ApprovalDetail } from '@orchestrator/contracts';
import { flushPromises } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { RouterView } from 'vue-router';
import { json, mockFetch, type RecordedRequest } from './fetchMock';
import { mountWithPrime } from './mount';
import { routerAt } from './router';

/** Helpers for tests of the Approvals view mounted at its route. */

export const at = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 10, minutes)).toISOString();

export const decided = (a: Approval, status: 'approved' | 'rejected' = 'approved'): Approval => ({
  ...a,
  status,
  decidedAt: at(50),
  decidedBy: 'Ada',
});

/** What GET /api/approvals/:id adds to an approval. */
export const detailOf = (a: Approval, extra: Partial<ApprovalDetail> = {}): ApprovalDetail => ({
  ...a,
  requestedBy: 'Ada Admin',
  autonomy: 'semi_autonomous',
  inputs: [],
  upcoming: [],
  standing: null,
  ...extra,
});

/** The queue lists `list`; the inbox is empty; `routes` add or override. */
export function serveApprovals(routes: Parameters<typeof mockFetch>[0], list: Approval[]) {
  return mockFetch({
    'GET /api/approvals': json({ approvals: list, nextCursor: null }),
    'GET /api/inbox': json({ approvals: [], humanSteps: [] }),
    'GET /api/agents': json({ agents: [] }),
    ...routes,
  });
}

export async function mountApprovalsAt(path = '/approvals') {
  const router = await routerAt(path);
  const Shell = defineComponent({ render: () => h(RouterView) });
  const wrapper = mountWithPrime(Shell, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

type Wrapper = Awaited<ReturnType<typeof mountApprovalsAt>>['wrapper'];
export const rows = (wrapper: Wrapper) => wrapper.findAll('[data-testid="approval-row"]');
export const row = (wrapper: Wrapper, id: string) =>
  wrapper.get(`[data-testid="approval-row"][data-approval-id="${id}"]`);
export const posts = (requests: RecordedRequest[]) => requests.filter((r) => r.method === 'POST');
export const bulkDialog = () => document.body.querySelector<HTMLElement>('[data-testid="bulk-dialog"]');

async function fillAndClick(notesTestId: string, buttonTestId: string, notes: string): Promise<void> {
  const field = document.body.querySelector<HTMLTextAreaElement>(`[data-testid="${notesTestId}"]`);
  field!.value = notes;
  field!.dispatchEvent(new Event('input'));
  await flushPromises();
  document.body.querySelector<HTMLButtonElement>(`[data-testid="${buttonTestId}"]`)?.click();
  await flushPromises();
}

/** Confirms the one-approval dialog with notes. */
export const confirmWith = (notes: string) => fillAndClick('confirm-notes', 'confirm-accept', notes);
/** Confirms the bulk dialog with notes. */
export const confirmBulkWith = (notes: string) => fillAndClick('bulk-notes', 'bulk-confirm', notes);
