import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import Aura from '@primeuix/themes/aura';
import PrimeVue from 'primevue/config';
import type { Component } from 'vue';

/** Mounts with PrimeVue installed, as the app does (components read its config). */
export function mountWithPrime<C extends Component>(component: C, options: ComponentMountingOptions<C> = {}) {
  const global = options.global ?? {};
  return mount(component, {
    ...options,
    global: {
      ...global,
      plugins: [...(global.plugins ?? []), [PrimeVue, { theme: { preset: Aura } }]],
    },
  } as ComponentMountingOptions<C>);
}
