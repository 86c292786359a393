import { computed, ref, type Ref } from 'vue';
import { toApiError, type ApiError } from '../api';
import type { LoadState } from './conversations';
import { createInflight } from './inflight';

export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

export interface PagedListOptions<Item, Filter> {
  initial: Filter;
  same: (a: Filter, b: Filter) => boolean;
  fetch: (filter: Filter, cursor?: string) => Promise<Page<Item>>;
  /** Stores an item in the owning store's normalised state. */
  upsert: (item: Item) => void;
  idOf: (item: Item) => string;
}

/**
 * A filtered, cursor-paginated list of ids over a store's normalised entities. Loads for the
 * same filter are shared; a page for a filter that has since changed is never merged in.
 */
export function createPagedList<Item, Filter>(options: PagedListOptions<Item, Filter>) {
  const filter = ref(options.initial) as Ref<Filter>;
  const order = ref<string[]>([]);
  const nextCursor = ref<string | null>(null);
  const listState = ref<LoadState>('idle');
  const listError = ref<ApiError | null>(null);
  const loadingMore = ref(false);
  const hasMore = computed(() => nextCursor.value !== null);
  /** Bumped on every fresh load, so a page for an old filter is never merged in. */
  let generation = 0;
  let current: Promise<void> | null = null;
  const { once } = createInflight();

  function load(next: Filter, force = false): Promise<void> {
    if (options.same(next, filter.value) && !force) {
      if (listState.value === 'ready') return Promise.resolve();
      if (current) return current;
    }
    filter.value = next;
    const mine = ++generation;
    const run = (async () => {
      listState.value = 'loading';
      listError.value = null;
      try {
        const page = await options.fetch(next);
        if (mine !== generation) return;
        page.items.forEach(options.upsert);
        order.value = page.items.map(options.idOf);
        nextCursor.value = page.nextCursor;
        listState.value = 'ready';
      } catch (error) {
        if (mine !== generation) return;
        listError.value = toApiError(error);
        listState.value = 'error';
      }
    })().finally(() => {
      if (current === run) current = null;
    });
    current = run;
    return run;
  }

  function loadMore(): Promise<void> {
    const cursor = nextCursor.value;
    if (!cursor) return Promise.resolve();
    const mine = generation;
    return once(`more:${cursor}`, async () => {
      loadingMore.value = true;
      listError.value = null;
      try {
        const page = await options.fetch(filter.value, cursor);
        if (mine !== generation) return;
        for (const item of page.items) {
          options.upsert(item);
          const id = options.idOf(item);
          if (!order.value.includes(id)) order.value.push(id);
        }
        nextCursor.value = page.nextCursor;
      } catch (error) {
        if (mine === generation) listError.value = toApiError(error);
      } finally {
        loadingMore.value = false;
      }
    });
  }

  return { filter, order, nextCursor, hasMore, listState, listError, loadingMore, load, loadMore };
}
