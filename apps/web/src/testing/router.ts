import { flushPromises } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';
import { routes } from '../router';
import { mountWithPrime } from './mount';

/** The app's routes over memory history, already at `path`. */
export async function routerAt(path: string) {
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(path);
  await router.isReady();
  return router;
}

/** The view of the route at `path`, without the app's shell, attached to the page (dialogs render there). */
export async function mountRoute(path: string) {
  const router = await routerAt(path);
  const Shell = defineComponent({ render: () => h(RouterView) });
  const wrapper = mountWithPrime(Shell, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}
