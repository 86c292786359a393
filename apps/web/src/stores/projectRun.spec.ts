import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkpoint, projectDetail, projectError, projectStep } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { REFRESH_DELAY_MS, stepRef, useProjectsStore } from './projects';

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.useRealTimers());

describe('projects store: running projects', () => {
  it('should load steps in server order and apply live step updates by key', async () => {
    const detail = projectDetail({ status: 'running' });
    mockFetch({
      [`GET /api/projects/${detail.id}/steps`]: json({
        steps: [
          projectStep({ stepKey: 'research', status: 'running' }),
          projectStep({ stepKey: 'launch', dependencies: ['research'] }),
        ],
      }),
    });
    const store = useProjectsStore();
    await store.loadSteps(detail.id);

    store.applyStepUpdated({ projectId: detail.id, step: projectStep({ stepKey: 'research', status: 'completed' }) });
    expect(store.stepList(detail.id).map((s) => [s.stepKey, s.status])).toEqual([
      ['research', 'completed'],
      ['launch', 'pending'],
    ]);
    // A step the list did not have yet (e.g. a subproject's) is appended.
    store.applyStepUpdated({
      projectId: detail.id,
      step: projectStep({ stepKey: 'finance/forecast', parentKey: 'finance' }),
    });
    expect(store.stepList(detail.id).map((s) => s.stepKey)).toEqual(['research', 'launch', 'finance/forecast']);
  });

  it('should keep a live update that arrives while the steps are loading', async () => {
    const detail = projectDetail({ status: 'running' });
    let release: () => void = () => undefined;
    mockFetch({
      [`GET /api/projects/${detail.id}/steps`]: async () => {
        await new Promise<void>((resolve) => (release = resolve));
        return { body: { steps: [projectStep({ stepKey: 'research', status: 'running' })] } };
      },
    });
    const store = useProjectsStore();
    const loading = store.loadSteps(detail.id);
    store.applyStepUpdated({ projectId: detail.id, step: projectStep({ stepKey: 'research', status: 'completed' }) });
    release();
    await loading;
    expect(store.step(detail.id, 'research')?.status).toBe('completed');
  });

  it('should ignore step updates of projects nobody has open', () => {
    const store = useProjectsStore();
    store.applyStepUpdated({ projectId: projectDetail().id, step: projectStep({ stepKey: 'x' }) });
    expect(store.steps).toEqual({});
  });

  it('should refetch loaded errors and checkpoints once after a burst of step changes', async () => {
    vi.useFakeTimers();
    const detail = projectDetail({ status: 'running' });
    const { requests } = mockFetch({
      [`GET /api/projects/${detail.id}/steps`]: json({
        steps: [projectStep({ stepKey: 'a', status: 'running' }), projectStep({ stepKey: 'b', status: 'running' })],
      }),
      [`GET /api/projects/${detail.id}/errors`]: json({ errors: [] }),
      [`GET /api/projects/${detail.id}/checkpoints`]: json({ checkpoints: [] }),
    });
    const store = useProjectsStore();
    await Promise.all([store.loadSteps(detail.id), store.loadErrors(detail.id), store.loadCheckpoints(detail.id)]);
    requests.length = 0;

    store.applyStepUpdated({ projectId: detail.id, step: projectStep({ stepKey: 'a', status: 'failed' }) });
    store.applyStepUpdated({ projectId: detail.id, step: projectStep({ stepKey: 'b', status: 'completed' }) });
    store.applyStepUpdated({ projectId: detail.id, step: projectStep({ stepKey: 'a', status: 'retrying' }) });
    expect(requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(requests.map((r) => r.url).sort()).toEqual([
      `/api/projects/${detail.id}/checkpoints`,
      `/api/projects/${detail.id}/errors`,
    ]);
  });

  it('should send the control with its reason and take the project the server returns', async () => {
    const detail = projectDetail({ status: 'running' });
    const { requests } = mockFetch({
      [`POST /api/projects/${detail.id}/abort`]: json({
        ...detail,
        status: 'aborted',
        updatedAt: '2026-11-20T12:00:00.000Z',
      }),
    });
    const store = useProjectsStore();
    expect(await store.control(detail.id, 'abort', 'Budget was cut')).toBe(true);
    expect(requests[0]?.body).toEqual({ reason: 'Budget was cut' });
    expect(store.summaries[detail.id]?.status).toBe('aborted');
    expect(store.controlling[detail.id]).toBeNull();
  });

  it('should keep the 409 message and refetch the status the server refused from', async () => {
    const detail = projectDetail({ status: 'running' });
    let served = detail;
    mockFetch({
      [`GET /api/projects/${detail.id}`]: () => ({ body: served }),
      [`POST /api/projects/${detail.id}/pause`]: () => {
        served = { ...detail, status: 'completed', updatedAt: '2026-11-20T12:00:00.000Z' };
        return {
          status: 409,
          body: {
            error: { code: 'project/invalid_transition', message: 'The project is completed: it cannot be paused.' },
          },
        };
      },
    });
    const store = useProjectsStore();
    await store.loadDetail(detail.id);
    expect(await store.control(detail.id, 'pause')).toBe(false);
    expect(store.controlErrors[detail.id]?.message).toBe('The project is completed: it cannot be paused.');
    expect(store.summaries[detail.id]?.status).toBe('completed');
  });

  it('should post the recovery and reload the project, its steps and errors', async () => {
    const detail = projectDetail({ status: 'paused_on_error' });
    const { requests } = mockFetch({
      [`POST /api/projects/${detail.id}/steps/send%2Femail/recover`]: json({ ok: true }),
      [`GET /api/projects/${detail.id}`]: json({ ...detail, status: 'running' }),
      [`GET /api/projects/${detail.id}/steps`]: json({ steps: [] }),
      [`GET /api/projects/${detail.id}/errors`]: json({
        errors: [projectError({ resolvedAt: '2026-11-20T12:00:00.000Z' })],
      }),
    });
    const store = useProjectsStore();
    expect(await store.recover(detail.id, 'send/email', { action: 'reassign', agent: 'email_marketer' })).toBe(true);
    expect(requests[0]?.body).toEqual({ action: 'reassign', agent: 'email_marketer' });
    expect(store.summaries[detail.id]?.status).toBe('running');
    expect(store.errors[detail.id]).toHaveLength(1);
    expect(store.recovering[stepRef(detail.id, 'send/email')]).toBeNull();
  });

  it('should return the forked project, leaving the original as it was', async () => {
    const original = projectDetail({ status: 'failed' });
    const fork = projectDetail({ status: 'running', title: 'Launch (fork)' });
    const { requests } = mockFetch({
      [`POST /api/projects/${original.id}/rollback`]: json(fork),
      [`GET /api/projects/${original.id}/checkpoints`]: json({ checkpoints: [checkpoint({ checkpointId: 'c1' })] }),
    });
    const store = useProjectsStore();
    await store.loadCheckpoints(original.id);
    const result = await store.rollback(original.id, 'c1', 'fork');
    expect(requests.at(-1)?.body).toEqual({ checkpointId: 'c1', mode: 'fork' });
    expect(result?.id).toBe(fork.id);
    expect(store.summaries[fork.id]?.title).toBe('Launch (fork)');
  });
});
