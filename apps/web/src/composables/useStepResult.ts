import { computed, onScopeDispose, ref, watch } from 'vue';
import { api, toApiError, type ApiError, type StepResultChunk } from '../api';
import type { LoadState } from '../stores/conversations';

/** The most of a result the page ever reads (the rest is a download): 1 MB. */
export const RESULT_MAX_BYTES = 1024 * 1024;

/**
 * A step's full result, fetched only when asked for and only up to `RESULT_MAX_BYTES`. It lives
 * with the component showing it, not in a store: it can be large and is dropped when closed.
 */
export function useStepResult(target: () => { projectId: string; stepKey: string } | null) {
  const state = ref<LoadState>('idle');
  const chunk = ref<StepResultChunk | null>(null);
  const error = ref<ApiError | null>(null);
  let controller: AbortController | null = null;

  const downloadUrl = computed(() => {
    const t = target();
    return t ? api.stepResultUrl(t.projectId, t.stepKey) : null;
  });

  /** JSON that arrived whole is shown indented; anything cut short is shown as it came. */
  const text = computed(() => {
    const c = chunk.value;
    if (!c) return '';
    if (!c.truncated && c.contentType.includes('json')) {
      try {
        return JSON.stringify(JSON.parse(c.text), null, 2);
      } catch {
        return c.text;
      }
    }
    return c.text;
  });

  async function load(): Promise<void> {
    const t = target();
    if (!t || state.value === 'loading') return;
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    state.value = 'loading';
    error.value = null;
    try {
      const result = await api.getStepResult(t.projectId, t.stepKey, {
        maxBytes: RESULT_MAX_BYTES,
        signal: mine.signal,
      });
      if (controller !== mine) return;
      chunk.value = result;
      state.value = 'ready';
    } catch (cause) {
      if (controller !== mine || mine.signal.aborted) return;
      error.value = toApiError(cause);
      state.value = 'error';
    }
  }

  function reset(): void {
    controller?.abort();
    controller = null;
    chunk.value = null;
    error.value = null;
    state.value = 'idle';
  }

  watch(() => {
    const t = target();
    return t ? `${t.projectId}::${t.stepKey}` : null;
  }, reset);
  onScopeDispose(() => controller?.abort());

  return { state, chunk, error, text, downloadUrl, load, reset };
}
