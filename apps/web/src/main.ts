import Aura from '@primeuix/themes/aura';
import { createPinia } from 'pinia';
import PrimeVue from 'primevue/config';
import { createApp, markRaw } from 'vue';
import App from './App.vue';
import { createAppRouter } from './router';
import 'primeicons/primeicons.css';
import './styles/main.css';
import './styles/workspace.css';
import './styles/organization.css';
import './styles/plans.css';
import './styles/delegation.css';
import './styles/projects.css';
import './styles/responsive.css';
import './styles/plan-graph.css';
import './styles/execution.css';
import './styles/approvals.css';
import './styles/auth.css';
import './styles/tables.css';

const app = createApp(App);
app.use(createPinia());
app.use(createAppRouter());
app.use(PrimeVue, {
  // PrimeVue keeps its config reactive and watches it deeply: a raw theme is not turned into
  // proxies and walked, preset and all (every component's tokens), on the first load's main thread.
  theme: markRaw({
    preset: Aura,
    // Follows the operating system's light/dark preference.
    options: { darkModeSelector: 'system', cssLayer: false },
  }),
});
app.mount('#app');
