import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';

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
  { path: '/:pathMatch(.*)*', redirect: { name: 'workspace' } },
];

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
  router.afterEach((to) => {
    const title = typeof to.meta['title'] === 'string' ? to.meta['title'] : null;
    document.title = title ? `${title} · Orchestrator` : 'Orchestrator';
  });
  return router;
}
