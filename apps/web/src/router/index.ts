import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import { realtimeSettled } from '../composables/realtimeSettled';
import { dropHeadStarts } from '../stores/inflight';
import { useSessionStore } from '../stores/session';
import { installAuthGuards } from './guards';
import { prefetchRoute } from './prefetch';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Open to whoever is not signed in; shown without the app's header. */
    public?: boolean;
    /** Only meaningful with accounts: local mode sends it home. */
    authenticatedOnly?: boolean;
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: { name: 'workspace' } },
  {
    path: '/workspace/:conversationId?',
    name: 'workspace',
    component: () => import('../views/WorkspaceView.vue'),
    meta: { title: 'Workspace' },
  },
  {
    path: '/projects/:projectId?',
    name: 'projects',
    component: () => import('../views/ProjectsView.vue'),
    meta: { title: 'Projects' },
  },
  {
    path: '/approvals',
    name: 'approvals',
    component: () => import('../views/ApprovalsView.vue'),
    meta: { title: 'Approvals' },
  },
  {
    path: '/organization',
    name: 'organization',
    component: () => import('../views/OrganizationView.vue'),
    meta: { title: 'Organization' },
  },
  {
    // One route for the list and an agent's detail: links name it `{ name: 'workforce', params: { agentName } }`.
    path: '/workforce/:agentName?',
    name: 'workforce',
    component: () => import('../views/WorkforceView.vue'),
    meta: { title: 'Workforce' },
  },
  {
    path: '/budgets',
    name: 'budgets',
    component: () => import('../views/BudgetsView.vue'),
    meta: { title: 'Budgets' },
  },
  {
    path: '/members',
    name: 'members',
    component: () => import('../views/MembersView.vue'),
    meta: { title: 'Members', authenticatedOnly: true },
  },
  {
    path: '/account',
    name: 'account',
    component: () => import('../views/AccountView.vue'),
    meta: { title: 'Profile' },
  },
  {
    path: '/account/tokens',
    name: 'tokens',
    component: () => import('../views/TokensView.vue'),
    meta: { title: 'API tokens' },
  },
  {
    path: '/login',
    name: 'login',
    component: () => import('../views/LoginView.vue'),
    meta: { title: 'Sign in', public: true, authenticatedOnly: true },
  },
  {
    // The server prints this link, with the setup token, on first start.
    path: '/setup',
    name: 'setup',
    component: () => import('../views/SetupView.vue'),
    meta: { title: 'Set up', public: true, authenticatedOnly: true },
  },
  {
    path: '/invite',
    name: 'invite',
    component: () => import('../views/AcceptInvitationView.vue'),
    meta: { title: 'Invitation', public: true, authenticatedOnly: true },
  },
  {
    path: '/reset-password',
    name: 'reset-password',
    component: () => import('../views/ResetPasswordView.vue'),
    meta: { title: 'Choose a new password', public: true, authenticatedOnly: true },
  },
  { path: '/:pathMatch(.*)*', redirect: { name: 'workspace' } },
];

/** Starts downloading the code of the page at `to` (its lazy components); the router awaits it later. */
function startLoadingComponents(to: RouteLocationNormalized): void {
  for (const record of to.matched)
    for (const component of Object.values(record.components ?? {}))
      // A lazy component is a function returning the import (vue-router tells a functional
      // component apart the same way); a failure surfaces when the router loads it itself.
      if (typeof component === 'function' && !('displayName' in component || 'props' in component))
        void (component as () => Promise<unknown>)().catch(() => undefined);
}

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
  // Pinia is installed before the router (main.ts), so the store is available here.
  const session = useSessionStore();
  // The three waits of a first load overlap: the page's code downloads while the session is read,
  // and its data loads (once the session says who is asking) while the code still downloads.
  router.beforeEach((to) => startLoadingComponents(to));
  installAuthGuards(router, session);
  router.beforeEach(async (to) => {
    if (!session.signedIn || to.meta.public) return;
    await realtimeSettled();
    prefetchRoute(to);
  });
  router.afterEach((to) => {
    const title = to.meta.title;
    document.title = title ? `${title} · Orchestrator` : 'Orchestrator';
    // Once the page has rendered (and taken the loads started for it), later calls fetch again.
    setTimeout(dropHeadStarts);
  });
  return router;
}
