import Aura from '@primeuix/themes/aura';
import { createPinia } from 'pinia';
import PrimeVue from 'primevue/config';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppRouter } from './router';
import 'primeicons/primeicons.css';
import './styles/main.css';
import './styles/execution.css';
import './styles/approvals.css';

const app = createApp(App);
app.use(createPinia());
app.use(createAppRouter());
app.use(PrimeVue, {
  theme: {
    preset: Aura,
    // Follows the operating system's light/dark preference.
    options: { darkModeSelector: 'system', cssLayer: false },
  },
});
app.mount('#app');
