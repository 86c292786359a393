import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import type { ProjectStep } from '@orchestrator/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RESULT_MAX_BYTES } from '../../composables/useStepResult';
import { projectStep, uuid } from '../../testing/factories';
import { mountWithPrime } from '../../testing/mount';
import { routerAt } from '../../testing/router';
import StepDetailDrawer from './StepDetailDrawer.vue';

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  document.body.innerHTML = '';
});
// Registered last so it runs first (after-hooks run as a stack): unmount, then clear the DOM.
// A mounted app left behind keeps timers running and can switch the active Pinia under the next test.
enableAutoUnmount(afterEach);

const MB = 1024 * 1024;

async function mountDrawer(step: ProjectStep, projectId = uuid()) {
  const router = await routerAt('/projects');
  const wrapper = mountWithPrime(StepDetailDrawer, {
    props: { projectId, step, after: ['Market research'], recoverable: false },
    global: { plugins: [router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, projectId };
}

const q = <T extends Element = HTMLElement>(testid: string) =>
  document.body.querySelector<T>(`[data-testid="${testid}"]`);

function serve(body: string, contentType: string) {
  const fetchMock = vi.fn(
    async () =>
      new Response(body, {
        headers: { 'Content-Type': contentType, 'Content-Length': String(new TextEncoder().encode(body).byteLength) },
      }),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('StepDetailDrawer', () => {
  it('should show the preview and size, and fetch the full result only when asked, reading at most 1 MB of it', async () => {
    const huge = `# Report\n${'x'.repeat(3 * MB)}`;
    const fetchMock = serve(huge, 'text/markdown; charset=utf-8');
    const step = projectStep({
      stepKey: 'report',
      name: 'Write the report',
      status: 'completed',
      resultPreview: '# Report\nxxxx…',
      resultSizeBytes: huge.length,
    });
    const { projectId } = await mountDrawer(step);

    expect(q('step-detail')?.textContent).toContain('Write the report');
    // Shown formatted (Markdown, rendered in StepResultText.spec.ts); the raw text is one click away.
    expect(q('step-result-preview')?.getAttribute('data-view')).toBe('formatted');
    q<HTMLButtonElement>('step-result-raw-toggle')?.click();
    await flushPromises();
    expect(q('step-result-raw')?.textContent).toBe('# Report\nxxxx…');
    expect(q('step-result-size')?.textContent).toContain('3.0 MB');
    expect(fetchMock).not.toHaveBeenCalled();

    q<HTMLButtonElement>('step-result-full')?.click();
    await flushPromises();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(String(fetchMock.mock.calls[0]?.[0 as never])).toBe(`/api/projects/${projectId}/steps/report/result`);
    const viewer = q('step-result-viewer');
    expect(viewer?.getAttribute('data-truncated')).toBe('true');
    expect(q('step-result-truncated')?.textContent).toMatch(/Showing the first 1\.0 MB of 3\.0 MB/);
    expect(q<HTMLAnchorElement>('step-result-truncated')?.querySelector('a')?.getAttribute('href')).toBe(
      `/api/projects/${projectId}/steps/report/result`,
    );
    // One page of text in the DOM, never the whole megabyte (let alone the 3 MB).
    expect(viewer?.querySelector('[data-testid="step-result-formatted"]')).not.toBeNull();
    viewer?.querySelector<HTMLButtonElement>('[data-testid="step-result-raw-toggle"]')?.click();
    await flushPromises();
    const shown = viewer?.querySelector('pre')?.textContent ?? '';
    expect(shown.length).toBe(20_000);
    expect(q('step-result-page')?.textContent).toBe(`Page 1 of ${Math.ceil(RESULT_MAX_BYTES / 20_000)}`);
    expect(q('step-result-full')).toBeNull();
  });

  it('should indent a JSON result that arrived whole', async () => {
    serve('{"rows":3,"ok":true}', 'application/json');
    await mountDrawer(projectStep({ stepKey: 'export', status: 'completed', resultSizeBytes: 20 }));
    q<HTMLButtonElement>('step-result-full')?.click();
    await flushPromises();
    expect(q('step-result-viewer')?.getAttribute('data-truncated')).toBe('false');
    expect(q('step-result-viewer')?.querySelector('pre')?.textContent).toBe('{\n  "rows": 3,\n  "ok": true\n}');
  });

  it('should say when there is no result yet and offer nothing to load', async () => {
    const fetchMock = serve('', 'text/plain');
    await mountDrawer(projectStep({ stepKey: 'later', status: 'pending' }));
    expect(q('step-detail')?.textContent).toContain('No result yet.');
    expect(q('step-result-full')).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('should show why the full result could not be loaded', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code: 'artifact/not_found', message: 'The result was purged.' } }), {
            status: 404,
          }),
      ),
    );
    await mountDrawer(projectStep({ stepKey: 'old', status: 'completed', resultSizeBytes: 10 }));
    q<HTMLButtonElement>('step-result-full')?.click();
    await flushPromises();
    expect(q('step-detail')?.textContent).toContain('Could not load the result: The result was purged.');
  });
});
