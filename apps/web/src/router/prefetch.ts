import { ProjectStatusSchema, UuidSchema } from '@orchestrator/contracts';
import type { RouteLocationResolved } from 'vue-router';
import { DEFAULT_APPROVAL_FILTERS, useApprovalsStore } from '../stores/approvals';
import { useAgentsStore } from '../stores/agents';
import { useBudgetsStore } from '../stores/budgets';
import { useConversationsStore } from '../stores/conversations';
import { useMembersStore } from '../stores/members';
import { useProjectsStore } from '../stores/projects';
import { useSessionStore } from '../stores/session';
import { useTokensStore } from '../stores/tokens';
import { useWorkforceStore } from '../stores/workforce';

/** What a prefetch reads of a destination (a navigation's target or a resolved link). */
type Destination = Pick<RouteLocationResolved, 'name' | 'params' | 'query'>;

const param = (to: Destination, key: string): string | null => {
  const raw = to.params[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value ? String(value) : null;
};
const uuidParam = (to: Destination, key: string) => {
  const value = param(to, key);
  return value && UuidSchema.safeParse(value).success ? value : null;
};

/**
 * Starts the loads the page at `to` makes first, while its code is still downloading, through
 * the same store calls the page makes (so the page's own calls share them instead of asking
 * again). Only what is cheap to get right is started: a page with a filter in its URL other than
 * the default loads its list itself.
 */
export function prefetchRoute(to: Destination): void {
  switch (to.name) {
    case 'workspace':
      useConversationsStore().prefetch(uuidParam(to, 'conversationId'));
      return;
    case 'projects': {
      const projects = useProjectsStore();
      const status = ProjectStatusSchema.safeParse(to.query['status']);
      void projects.loadList({ status: status.success ? status.data : null });
      const id = uuidParam(to, 'projectId');
      if (id) void projects.loadDetail(id);
      return;
    }
    case 'approvals':
      if (Object.keys(to.query).length === 0) void useApprovalsStore().load({ filters: DEFAULT_APPROVAL_FILTERS });
      useAgentsStore().prefetch();
      return;
    case 'organization':
      useAgentsStore().prefetch();
      return;
    case 'workforce': {
      useAgentsStore().prefetch();
      const workforce = useWorkforceStore();
      void workforce.loadMetrics();
      const name = param(to, 'agentName');
      if (name) void workforce.loadAgent(name);
      return;
    }
    case 'budgets':
      useBudgetsStore().prefetch();
      useAgentsStore().prefetch();
      return;
    case 'members':
      if (useSessionStore().can('administer')) useMembersStore().prefetch();
      return;
    case 'tokens':
      useTokensStore().prefetch();
      return;
  }
}
