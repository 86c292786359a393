import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { agentDetail, conflict, improvement } from '../components/workforce/testData';
import { json, mockFetch } from '../testing/fetchMock';
import { useWorkforceStore } from './workforce';

beforeEach(() => setActivePinia(createPinia()));

const AGENT = '/api/agents/blog_post_writer';
const conflictBody = (details: unknown) =>
  json({ error: { code: 'agent/version_conflict', message: 'Version 4 was saved meanwhile.', details } }, 409);
const versionSummary = (version: number) => ({
  version,
  authorType: 'user',
  author: 'owner',
  message: `v${version}`,
  restoredFrom: null,
  contentHash: null,
  createdAt: '2026-11-21T10:00:00.000Z',
});

describe('workforce store', () => {
  it('should keep the draft and expose who saved what when a save answers 409 agent/version_conflict', async () => {
    const details = conflict();
    mockFetch({ [`GET ${AGENT}`]: json(agentDetail()), [`PUT ${AGENT}/context`]: conflictBody(details) });
    const store = useWorkforceStore();
    await store.loadAgent('blog_post_writer');
    store.setDraft('blog_post_writer', 'My careful edit');

    const outcome = await store.save(
      'blog_post_writer',
      { kind: 'context', contextMd: 'My careful edit', message: 'mine' },
      3,
    );

    expect(outcome).toBe('conflict');
    expect(store.conflicts['blog_post_writer']?.conflict.current.author).toBe('sarah@example.com');
    expect(store.conflicts['blog_post_writer']?.mine).toEqual({
      kind: 'context',
      contextMd: 'My careful edit',
      message: 'mine',
    });
    expect(store.drafts['blog_post_writer']?.contextMd).toBe('My careful edit');
    expect(store.saveErrors['blog_post_writer']).toBeNull();
  });

  it('should save on top of the current version when the person overwrites after a conflict', async () => {
    let attempt = 0;
    const { requests } = mockFetch({
      [`GET ${AGENT}`]: json(agentDetail()),
      [`GET ${AGENT}/versions`]: json({ versions: [], nextCursor: null }),
      [`PUT ${AGENT}/context`]: (request) => {
        attempt += 1;
        if (attempt === 1) return conflictBody(conflict())();
        return { body: agentDetail({ version: 5, contextMd: (request.body as { contextMd: string }).contextMd }) };
      },
    });
    const store = useWorkforceStore();
    await store.loadAgent('blog_post_writer');
    await store.save('blog_post_writer', { kind: 'context', contextMd: 'Mine', message: '' }, 3);

    expect(await store.overwrite('blog_post_writer')).toBe('saved');

    const puts = requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => (r.body as { baseVersion: number }).baseVersion)).toEqual([3, 4]);
    expect(store.details['blog_post_writer']?.version).toBe(5);
    expect(store.details['blog_post_writer']?.contextMd).toBe('Mine');
    expect(store.conflicts['blog_post_writer']).toBeNull();
  });

  it("should load their version and keep the person's text as a copy when they take theirs", async () => {
    let served = agentDetail();
    mockFetch({
      [`GET ${AGENT}`]: () => ({ body: served }),
      [`GET ${AGENT}/versions`]: json({ versions: [versionSummary(4)], nextCursor: null }),
      [`PUT ${AGENT}/context`]: conflictBody(conflict()),
    });
    const store = useWorkforceStore();
    await store.loadAgent('blog_post_writer');
    store.setDraft('blog_post_writer', 'Mine');
    await store.save('blog_post_writer', { kind: 'context', contextMd: 'Mine', message: '' }, 3);
    served = agentDetail({ version: 4, contextMd: 'Theirs' });

    await store.takeTheirs('blog_post_writer');

    expect(store.details['blog_post_writer']?.contextMd).toBe('Theirs');
    expect(store.drafts['blog_post_writer']).toBeUndefined();
    expect(store.keptCopies['blog_post_writer']).toMatchObject({ kind: 'context', contextMd: 'Mine' });
    expect(store.conflicts['blog_post_writer']).toBeNull();
  });

  it('should keep the version the edit started from when the agent reloads meanwhile', async () => {
    let served = agentDetail({ version: 3 });
    mockFetch({ [`GET ${AGENT}`]: () => ({ body: served }) });
    const store = useWorkforceStore();
    await store.loadAgent('blog_post_writer');
    store.setDraft('blog_post_writer', 'first keystroke');
    served = agentDetail({ version: 4 });
    await store.loadAgent('blog_post_writer', { force: true });
    store.setDraft('blog_post_writer', 'second keystroke');
    expect(store.drafts['blog_post_writer']).toEqual({ contextMd: 'second keystroke', baseVersion: 3 });
  });

  it('should append the next page of versions without duplicates when loading more', async () => {
    mockFetch({
      [`GET ${AGENT}/versions`]: (request) =>
        request.url.includes('cursor=')
          ? { body: { versions: [versionSummary(2), versionSummary(1)], nextCursor: null } }
          : { body: { versions: [versionSummary(3), versionSummary(2)], nextCursor: 'c1' } },
    });
    const store = useWorkforceStore();
    await store.loadVersions('blog_post_writer');
    await store.loadMoreVersions('blog_post_writer');
    expect(store.versions['blog_post_writer']?.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(store.versions['blog_post_writer']?.nextCursor).toBeNull();
  });

  it('should show a field error from the API when a save is refused as invalid', async () => {
    mockFetch({
      [`GET ${AGENT}`]: json(agentDetail()),
      [`PUT ${AGENT}/context`]: json(
        {
          error: {
            code: 'validation/invalid_body',
            message: 'Invalid body',
            issues: [{ path: 'contextMd', message: 'too long' }],
          },
        },
        400,
      ),
    });
    const store = useWorkforceStore();
    await store.loadAgent('blog_post_writer');
    expect(await store.save('blog_post_writer', { kind: 'context', contextMd: 'x', message: '' }, 3)).toBe('error');
    expect(store.saveErrors['blog_post_writer']?.issues).toEqual([{ path: 'contextMd', message: 'too long' }]);
    expect(store.conflicts['blog_post_writer']).toBeUndefined();
  });

  it('should refetch the open agent when an applied improvement announces a new version', async () => {
    let served = agentDetail({ version: 3 });
    const { requests } = mockFetch({ [`GET ${AGENT}`]: () => ({ body: served }) });
    const store = useWorkforceStore();
    await store.loadAgent('blog_post_writer');
    served = agentDetail({ version: 4, contextMd: 'Improved' });

    store.applyImprovementUpdated(improvement({ status: 'applied', newVersion: 4 }));
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(requests.filter((r) => r.url === AGENT)).toHaveLength(2);
    expect(store.details['blog_post_writer']?.contextMd).toBe('Improved');
    expect(store.improvements['blog_post_writer']).toHaveLength(1);
  });
});
