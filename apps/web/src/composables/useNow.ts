import { getCurrentScope, onScopeDispose, readonly, ref, type Ref } from 'vue';

/**
 * One clock for the whole page, ticking once a second while anything shows it: a queue of a
 * hundred countdowns shares one timer instead of starting a hundred.
 */
const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

export const TICK_MS = 1_000;

export function useNow(): Readonly<Ref<number>> {
  if (users === 0) {
    now.value = Date.now();
    timer = setInterval(() => {
      now.value = Date.now();
    }, TICK_MS);
  }
  users += 1;
  if (getCurrentScope()) {
    onScopeDispose(() => {
      users -= 1;
      if (users === 0 && timer) {
        clearInterval(timer);
        timer = null;
      }
    });
  }
  return readonly(now);
}
