import { createMemoryHistory, createRouter } from 'vue-router';
import { routes } from '../router';

/** The app's routes over memory history, already at `path`. */
export async function routerAt(path: string) {
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(path);
  await router.isReady();
  return router;
}
