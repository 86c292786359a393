import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { approval } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { useApprovalsStore } from './approvals';

beforeEach(() => setActivePinia(createPinia()));

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 10, minutes)).toISOString();
const decided = (a: ReturnType<typeof approval>, status: 'approved' | 'rejected' = 'approved') => ({
  ...a,
  status,
  decidedAt: at(30),
  decidedBy: 'Ada',
});

describe('approvals store', () => {
  it('should count pending approvals for the badge and follow requested and decided events', async () => {
    const first = approval({ requestedAt: at(0) });
    mockFetch({ 'GET /api/approvals': json({ approvals: [first], nextCursor: null }) });
    const store = useApprovalsStore();
    await store.loadPending();
    expect(store.pendingCount).toBe(1);

    const second = approval({ requestedAt: at(5) });
    store.applyRequested(second);
    store.applyRequested(second); // delivered twice (workspace and project rooms)
    expect(store.pendingCount).toBe(2);

    store.applyDecided(decided(first));
    expect(store.pendingCount).toBe(1);
    expect(store.pending.map((a) => a.id)).toEqual([second.id]);
  });

  it('should count the badge from the pending queue when it holds every pending approval, asking once', async () => {
    const a = approval({ requestedAt: at(0) });
    const { requests } = mockFetch({ 'GET /api/approvals': json({ approvals: [a], nextCursor: null }) });
    const store = useApprovalsStore();
    // The approvals page loads its queue while the shell loads the badge.
    await Promise.all([store.load(), store.loadPending()]);
    expect(requests).toHaveLength(1);
    expect(store.pendingCount).toBe(1);
    expect(store.pendingOverflow).toBe(false);
    expect(store.pendingState).toBe('ready');
  });

  it('should ask for the badge itself when the queue has more pages or another filter', async () => {
    const a = approval({ requestedAt: at(0) });
    const { requests } = mockFetch({
      'GET /api/approvals': (request) =>
        json({ approvals: [a], nextCursor: request.url.includes('limit=50') ? 'next' : null })(),
    });
    const store = useApprovalsStore();
    await Promise.all([store.load(), store.loadPending()]);
    expect(requests.map((r) => r.url)).toEqual([
      expect.stringContaining('limit=50'),
      expect.stringContaining('limit=200'),
    ]);

    setActivePinia(createPinia());
    requests.length = 0;
    const other = useApprovalsStore();
    await Promise.all([other.load({ filters: { riskLevel: 'high' } }), other.loadPending()]);
    expect(requests.map((r) => r.url)).toEqual([
      expect.stringContaining('riskLevel=high'),
      expect.stringContaining('limit=200'),
    ]);
  });

  it('should never reopen an approval when a late "requested" arrives after its decision', () => {
    const store = useApprovalsStore();
    const a = approval();
    store.applyDecided(decided(a, 'rejected'));
    store.applyRequested(a);
    expect(store.byId[a.id]?.status).toBe('rejected');
    expect(store.pendingCount).toBe(0);
  });

  it('should place a new approval at the top of the pending queue and drop it live once decided elsewhere', async () => {
    const older = approval({ requestedAt: at(0) });
    mockFetch({ 'GET /api/approvals': json({ approvals: [older], nextCursor: null }) });
    const store = useApprovalsStore();
    await store.load();
    expect(store.filters.status).toBe('pending');

    const newer = approval({ requestedAt: at(10) });
    store.applyRequested(newer);
    expect(store.list.map((a) => a.id)).toEqual([newer.id, older.id]);

    store.applyDecided(decided(newer));
    expect(store.list.map((a) => a.id)).toEqual([older.id]);
  });

  it('should keep a new approval out of a queue filtered to another risk', async () => {
    mockFetch({ 'GET /api/approvals': json({ approvals: [], nextCursor: null }) });
    const store = useApprovalsStore();
    await store.load({ filters: { riskLevel: 'critical' } });
    store.applyRequested(approval({ riskLevel: 'low' }));
    expect(store.list).toEqual([]);
    expect(store.pendingCount).toBe(1);
  });

  it('should say the badge overflows when more pending approvals exist than one request holds', async () => {
    const { requests } = mockFetch({ 'GET /api/approvals': json({ approvals: [approval()], nextCursor: 'more' }) });
    const store = useApprovalsStore();
    await store.loadPending();
    expect(store.pendingOverflow).toBe(true);
    expect(requests[0]?.url).toBe('/api/approvals?status=pending&limit=200');
  });

  it('should report a decision made elsewhere as a conflict and show what it became', async () => {
    const a = approval();
    mockFetch({
      [`POST /api/approvals/${a.id}/decision`]: json(
        { error: { code: 'approval/already_decided', message: 'This approval was already decided.' } },
        409,
      ),
      [`GET /api/approvals/${a.id}`]: json(decided(a, 'rejected')),
    });
    const store = useApprovalsStore();
    store.applyRequested(a);
    expect(await store.decide(a.id, 'approve', 'ok')).toBe('conflict');
    expect(store.decideErrors[a.id]?.code).toBe('approval/already_decided');
    expect(store.byId[a.id]?.status).toBe('rejected');
    expect(store.pendingCount).toBe(0);
  });

  it('should send the decision with trimmed notes, and none when they are blank', async () => {
    const a = approval();
    const b = approval();
    const { requests } = mockFetch({
      [`POST /api/approvals/${a.id}/decision`]: json(decided(a)),
      [`POST /api/approvals/${b.id}/decision`]: json(decided(b, 'rejected')),
    });
    const store = useApprovalsStore();
    expect(await store.decide(a.id, 'approve', '  looks right ')).toBe('decided');
    expect(await store.decide(b.id, 'reject', '   ')).toBe('decided');
    expect(requests.map((r) => r.body)).toEqual([
      { decision: 'approve', notes: 'looks right' },
      { decision: 'reject' },
    ]);
  });

  it('should apply each result of a bulk decision on its own when some fail', async () => {
    const ok = approval();
    const late = approval();
    const gone = approval();
    const { requests } = mockFetch({
      'POST /api/approvals/bulk-decision': json({
        results: [
          { id: ok.id, ok: true, approval: decided(ok) },
          { id: late.id, ok: false, error: { code: 'approval/already_decided', message: 'Already rejected by Bo.' } },
          { id: gone.id, ok: false, error: { code: 'approval/not_found', message: 'No such approval.' } },
        ],
      }),
      [`GET /api/approvals/${late.id}`]: json({ ...decided(late, 'rejected'), decidedBy: 'Bo' }),
    });
    const store = useApprovalsStore();
    for (const a of [ok, late, gone]) store.applyRequested(a);

    const outcome = await store.bulkDecide([ok.id, late.id, gone.id], 'approve', 'batch');

    expect(requests[0]?.body).toEqual({ ids: [ok.id, late.id, gone.id], decision: 'approve', notes: 'batch' });
    expect(outcome.decided).toEqual([ok.id]);
    expect(outcome.failed.map((f) => [f.id, f.code])).toEqual([
      [late.id, 'approval/already_decided'],
      [gone.id, 'approval/not_found'],
    ]);
    expect(outcome.error).toBeNull();
    expect(store.byId[ok.id]?.status).toBe('approved');
    // Only the conflict is refetched: its real state replaces the pending one.
    expect(store.byId[late.id]?.status).toBe('rejected');
    expect(store.byId[gone.id]?.status).toBe('pending');
    expect(store.decideErrors[gone.id]?.message).toBe('No such approval.');
    expect(store.pendingCount).toBe(1);
    expect(store.bulkDeciding).toBe(false);
  });

  it('should decide nothing and report the error when the bulk request itself fails', async () => {
    const a = approval();
    mockFetch({
      'POST /api/approvals/bulk-decision': json(
        { error: { code: 'validation/invalid_body', message: 'ids: too many' } },
        400,
      ),
    });
    const store = useApprovalsStore();
    store.applyRequested(a);
    const outcome = await store.bulkDecide([a.id], 'reject');
    expect(outcome.error?.message).toBe('ids: too many');
    expect(outcome.decided).toEqual([]);
    expect(store.byId[a.id]?.status).toBe('pending');
  });

  it('should drop a page that arrives after the filters changed', async () => {
    const high = approval({ riskLevel: 'high' });
    const low = approval({ riskLevel: 'low' });
    let release: () => void = () => undefined;
    mockFetch({
      'GET /api/approvals': async ({ url }) => {
        if (url.includes('riskLevel=high')) {
          await new Promise<void>((resolve) => (release = resolve));
          return { body: { approvals: [high], nextCursor: null } };
        }
        return { body: { approvals: [low], nextCursor: null } };
      },
    });
    const store = useApprovalsStore();
    const first = store.load({ filters: { riskLevel: 'high' } });
    await store.load({ filters: { riskLevel: 'low' } });
    release();
    await first;
    expect(store.list.map((a) => a.id)).toEqual([low.id]);
  });
});
