import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { planVersion, projectDetail, projectSummary } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { useProjectsStore } from './projects';

beforeEach(() => setActivePinia(createPinia()));

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 10, minutes)).toISOString();

describe('projects store', () => {
  it('should add a project created elsewhere to the top of the list and follow its status', async () => {
    const older = projectSummary({ title: 'Older', createdAt: at(0), updatedAt: at(0) });
    mockFetch({ 'GET /api/projects': json({ projects: [older], nextCursor: null }) });
    const store = useProjectsStore();
    await store.loadList();

    const created = projectSummary({ title: 'Newer', createdAt: at(5), updatedAt: at(5) });
    store.applyProjectUpdated(created);
    expect(store.list.map((p) => p.title)).toEqual(['Newer', 'Older']);

    store.applyProjectUpdated({ ...created, status: 'running', updatedAt: at(6) });
    expect(store.summaries[created.id]?.status).toBe('running');
    expect(store.list).toHaveLength(2);
  });

  it('should ignore an update older than the one it already has', () => {
    const store = useProjectsStore();
    const project = projectSummary({ updatedAt: at(10), status: 'running' });
    store.applyProjectUpdated(project);
    store.applyProjectUpdated({ ...project, status: 'awaiting_plan_approval', updatedAt: at(9) });
    expect(store.summaries[project.id]?.status).toBe('running');
  });

  it('should keep a filtered list to its status as updates arrive', async () => {
    const waiting = projectSummary({ status: 'awaiting_plan_approval' });
    mockFetch({ 'GET /api/projects': json({ projects: [waiting], nextCursor: null }) });
    const store = useProjectsStore();
    await store.loadList({ status: 'awaiting_plan_approval' });
    store.applyProjectUpdated(projectSummary({ status: 'running', createdAt: at(30), updatedAt: at(30) }));
    expect(store.list.map((p) => p.id)).toEqual([waiting.id]);
    store.applyProjectUpdated({ ...waiting, status: 'running', updatedAt: at(31) });
    expect(store.list).toEqual([]);
  });

  it('should not place a project older than the loaded page while more pages exist', async () => {
    const newest = projectSummary({ createdAt: at(20), updatedAt: at(20) });
    mockFetch({ 'GET /api/projects': json({ projects: [newest], nextCursor: 'next' }) });
    const store = useProjectsStore();
    await store.loadList();
    store.applyProjectUpdated(projectSummary({ createdAt: at(1), updatedAt: at(40) }));
    expect(store.list.map((p) => p.id)).toEqual([newest.id]);
  });

  it('should refetch a loaded project when an update announces a new plan version', async () => {
    const v1 = projectDetail({ currentPlanVersion: 1, updatedAt: at(0) });
    const v2 = { ...v1, currentPlanVersion: 2, updatedAt: at(1), plan: planVersion(2, { title: 'Revised' }) };
    let served = v1;
    const { requests } = mockFetch({ [`GET /api/projects/${v1.id}`]: () => ({ body: served }) });
    const store = useProjectsStore();
    await store.loadDetail(v1.id);

    served = v2;
    const { plan: _plan, diff: _diff, ...summary } = v2;
    store.applyProjectUpdated(summary);
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(requests).toHaveLength(2);
    expect(store.details[v1.id]?.plan?.plan.title).toBe('Revised');
    // A status-only change needs no refetch.
    store.applyProjectUpdated({ ...summary, status: 'running', updatedAt: at(2) });
    expect(requests).toHaveLength(2);
    expect(store.details[v1.id]?.status).toBe('running');
  });

  it('should share one request between concurrent loads of the same project', async () => {
    const detail = projectDetail();
    const { requests } = mockFetch({ [`GET /api/projects/${detail.id}`]: json(detail) });
    const store = useProjectsStore();
    await Promise.all([store.loadDetail(detail.id), store.loadDetail(detail.id), store.loadDetail(detail.id)]);
    await store.loadDetail(detail.id);
    expect(requests).toHaveLength(1);
  });

  it('should report a stale approval and hold the newer version afterwards', async () => {
    const v1 = projectDetail({ currentPlanVersion: 1 });
    const v2 = { ...v1, currentPlanVersion: 2, plan: planVersion(2) };
    let served = v1;
    mockFetch({
      [`GET /api/projects/${v1.id}`]: () => ({ body: served }),
      [`POST /api/projects/${v1.id}/approve`]: () => {
        served = v2;
        return {
          status: 409,
          body: { error: { code: 'plan/stale_version', message: 'Version 1 is no longer current.' } },
        };
      },
    });
    const store = useProjectsStore();
    await store.loadDetail(v1.id);
    expect(await store.approve(v1.id, 1)).toBe('stale');
    expect(store.details[v1.id]?.currentPlanVersion).toBe(2);
    expect(store.approveErrors[`${v1.id}@1`]?.code).toBe('plan/stale_version');
  });

  it('should drop a page that arrives after the filter changed', async () => {
    const running = projectSummary({ status: 'running' });
    const done = projectSummary({ status: 'completed' });
    let releaseRunning: () => void = () => undefined;
    mockFetch({
      'GET /api/projects': async ({ url }) => {
        if (url.includes('status=running')) {
          await new Promise<void>((resolve) => (releaseRunning = resolve));
          return { body: { projects: [running], nextCursor: null } };
        }
        return { body: { projects: [done], nextCursor: null } };
      },
    });
    const store = useProjectsStore();
    const first = store.loadList({ status: 'running' });
    await store.loadList({ status: 'completed' });
    releaseRunning();
    await first;
    expect(store.filter).toBe('completed');
    expect(store.list.map((p) => p.id)).toEqual([done.id]);
  });
});
