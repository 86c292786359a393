import type { AgentSummary, Conversation, ProjectSummary, SessionInfo } from '@orchestrator/contracts';
import { departmentLabel } from '@orchestrator/contracts';
import type { RouteLocationRaw } from 'vue-router';

export type PaletteKind = 'action' | 'view' | 'agent' | 'project' | 'conversation';

/**
 * Something the palette offers. Choosing it navigates to `to`; an action then presses (or focuses)
 * the control that does it on the page it lands on, so the palette runs what the page offers
 * rather than a second copy of it.
 */
export interface PaletteItem {
  id: string;
  kind: PaletteKind;
  label: string;
  /** Shown after the label, and matched too (department, status, "view"). */
  detail: string;
  icon: string;
  to: RouteLocationRaw;
  then?: { selector: string; do: 'click' | 'focus' };
}

export const KIND_LABELS: Record<PaletteKind, string> = {
  action: 'Actions',
  view: 'Go to',
  agent: 'Agents',
  project: 'Projects',
  conversation: 'Conversations',
};

/** The order groups are listed in when nothing is typed, and on equal scores. */
const KIND_ORDER: PaletteKind[] = ['action', 'view', 'conversation', 'project', 'agent'];

/** The app's pages; members only exist with accounts (local mode has none). */
export function viewItems(session: SessionInfo | null): PaletteItem[] {
  const accounts = session?.mode !== 'local';
  const views: [string, string, string, RouteLocationRaw][] = [
    ['workspace', 'Workspace', 'pi pi-comments', { name: 'workspace' }],
    ['projects', 'Projects', 'pi pi-folder', { name: 'projects' }],
    ['approvals', 'Approvals', 'pi pi-check-square', { name: 'approvals' }],
    ['organization', 'Organization', 'pi pi-sitemap', { name: 'organization' }],
    ['workforce', 'Workforce', 'pi pi-users', { name: 'workforce' }],
    ['budgets', 'Budgets', 'pi pi-wallet', { name: 'budgets' }],
    ...(accounts
      ? [['members', 'Members', 'pi pi-user-plus', { name: 'members' }] as [string, string, string, RouteLocationRaw]]
      : []),
    ['account', 'Profile', 'pi pi-user', { name: 'account' }],
    ['tokens', 'API tokens', 'pi pi-key', { name: 'tokens' }],
  ];
  return views.map(([id, label, icon, to]) => ({ id: `view:${id}`, kind: 'view', label, detail: 'Page', icon, to }));
}

/** The common actions, each where the app already offers it. */
export function actionItems(session: SessionInfo | null): PaletteItem[] {
  const items: PaletteItem[] = [
    {
      id: 'action:new-conversation',
      kind: 'action',
      label: 'New conversation',
      detail: 'Chat with the CEO orchestrator',
      icon: 'pi pi-plus',
      to: { name: 'workspace' },
      then: { selector: '[data-testid="composer-input"]', do: 'focus' },
    },
    {
      id: 'action:create-agent',
      kind: 'action',
      label: 'Create agent',
      detail: 'Workforce',
      icon: 'pi pi-user-plus',
      to: { name: 'workforce' },
      then: { selector: '[data-testid="workforce-create"]', do: 'click' },
    },
    {
      id: 'action:create-budget',
      kind: 'action',
      label: 'Create budget',
      detail: 'Budgets',
      icon: 'pi pi-wallet',
      to: { name: 'budgets' },
      then: { selector: '[data-testid="budget-new"]', do: 'click' },
    },
    {
      id: 'action:create-token',
      kind: 'action',
      label: 'Create API token',
      detail: 'API tokens',
      icon: 'pi pi-key',
      to: { name: 'tokens' },
      then: { selector: '[data-testid="token-name"]', do: 'focus' },
    },
  ];
  if (session?.mode !== 'local')
    items.splice(2, 0, {
      id: 'action:invite-member',
      kind: 'action',
      label: 'Invite member',
      detail: 'Members',
      icon: 'pi pi-envelope',
      to: { name: 'members' },
      then: { selector: '[data-testid="invite-form-email"]', do: 'focus' },
    });
  return items;
}

export const agentItem = (agent: AgentSummary): PaletteItem => ({
  id: `agent:${agent.name}`,
  kind: 'agent',
  label: agent.title,
  detail: `${departmentLabel(agent.department)} · ${agent.name}`,
  icon: 'pi pi-user',
  to: { name: 'workforce', params: { agentName: agent.name } },
});

export const projectItem = (project: ProjectSummary): PaletteItem => ({
  id: `project:${project.id}`,
  kind: 'project',
  label: project.title,
  detail: project.status.replace(/_/g, ' '),
  icon: 'pi pi-folder',
  to: { name: 'projects', params: { projectId: project.id } },
});

export const conversationItem = (conversation: Conversation): PaletteItem => ({
  id: `conversation:${conversation.id}`,
  kind: 'conversation',
  label: conversation.title || 'Untitled conversation',
  detail: 'Conversation',
  icon: 'pi pi-comment',
  to: { name: 'workspace', params: { conversationId: conversation.id } },
});

const fold = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/**
 * How well `query` matches `text` (higher is better), or null when it does not: the whole text,
 * then a prefix, then the start of a word, then anywhere, then its letters in order (so "bpw"
 * finds "Blog Post Writer"). Every word of the query must match.
 */
export function matchScore(query: string, text: string): number | null {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return 0;
  const haystack = fold(text);
  let total = 0;
  for (const word of words) {
    const score = wordScore(word, haystack);
    if (score === null) return null;
    total += score;
  }
  return total;
}

function wordScore(word: string, text: string): number | null {
  if (text === word) return 100;
  if (text.startsWith(word)) return 80;
  const at = text.indexOf(word);
  if (at > 0 && /[\s\-_·/(]/.test(text[at - 1]!)) return 60;
  if (at > 0) return 40;
  // Letters in order; fewer gaps and word-initial letters score higher.
  let from = 0;
  let score = 20;
  for (const letter of word) {
    const found = text.indexOf(letter, from);
    if (found === -1) return null;
    if (found > 0 && !/[\s\-_·/(]/.test(text[found - 1]!) && found !== from) score -= 1;
    from = found + 1;
  }
  return Math.max(score, 1);
}

/**
 * The items matching `query`, best first; with nothing typed, the actions and pages first. The
 * label counts more than the detail.
 */
export function rankItems(items: PaletteItem[], query: string, limit = 50): PaletteItem[] {
  const kindRank = (item: PaletteItem) => KIND_ORDER.indexOf(item.kind);
  if (!query.trim()) return [...items].sort((a, b) => kindRank(a) - kindRank(b)).slice(0, limit);
  const scored: { item: PaletteItem; score: number }[] = [];
  for (const item of items) {
    const label = matchScore(query, item.label);
    const whole = matchScore(query, `${item.label} ${item.detail}`);
    const score = label !== null ? label + 10 : whole;
    if (score !== null) scored.push({ item, score });
  }
  return scored
    .sort(
      (a, b) => b.score - a.score || kindRank(a.item) - kindRank(b.item) || a.item.label.localeCompare(b.item.label),
    )
    .slice(0, limit)
    .map((s) => s.item);
}
