import type { Decision } from '@orchestrator/contracts';
import { computed, ref } from 'vue';
import { useAgentsStore } from '../stores/agents';
import { useApprovalsStore } from '../stores/approvals';
import { APPROVAL_STATUS_LOOK, DECISION_LOOK, whatRejectionMeans, whatWillHappen } from '../utils/approvals';

export interface DecisionRequest {
  ids: string[];
  decision: Decision;
}

export interface DecisionNotice {
  severity: 'success' | 'warn' | 'error';
  text: string;
}

/**
 * The decide-with-notes flow shared by the queue rows, the bulk bar and the preview: one
 * confirmation (showing what will happen), then the outcome in words — including the ones
 * decided elsewhere meanwhile.
 */
export function useApprovalDecisions(onDecided: (ids: string[]) => void = () => undefined) {
  const store = useApprovalsStore();
  const agents = useAgentsStore();
  const title = (name: string) => agents.byName[name]?.title ?? name;
  const request = ref<DecisionRequest | null>(null);
  const notice = ref<DecisionNotice | null>(null);

  const name = (id: string) => {
    const approval = store.byId[id];
    return approval ? `“${approval.stepName}”` : 'An approval';
  };

  const busy = computed(() => {
    const r = request.value;
    if (!r) return false;
    return store.bulkDeciding || r.ids.some((id) => !!store.deciding[id]);
  });

  /** The confirmation of one decision; several go through the bulk dialog, grouped by kind. */
  const dialog = computed(() => {
    const r = request.value;
    if (!r || r.ids.length !== 1) return null;
    const look = DECISION_LOOK[r.decision];
    const single = store.byId[r.ids[0] ?? ''];
    if (!single) return null;
    return {
      header: `${look.label} ${name(single.id)}?`,
      message:
        r.decision === 'approve'
          ? `If approved: ${whatWillHappen(single, title)}`
          : `If rejected: ${whatRejectionMeans(single, title)}`,
      confirm: look.label,
      severity: look.severity,
    };
  });

  /** Several at once: the bulk dialog shows them by kind and lets agent changes in only after their diff. */
  const bulk = computed(() => {
    const r = request.value;
    if (!r || r.ids.length < 2) return null;
    const approvals = r.ids.map((id) => store.byId[id]).filter((a) => a !== undefined);
    return { decision: r.decision, approvals };
  });

  function ask(next: DecisionRequest): void {
    if (next.ids.length === 0) return;
    request.value = next;
    notice.value = null;
  }

  function cancel(): void {
    if (!busy.value) request.value = null;
  }

  /** `ids`: the part of the request the person kept (the bulk dialog leaves unchecked agent changes out). */
  async function confirm(notes: string, ids?: string[]): Promise<void> {
    const asked = request.value;
    if (!asked || busy.value) return;
    const r = ids ? { ...asked, ids: asked.ids.filter((id) => ids.includes(id)) } : asked;
    if (r.ids.length === 0) return;
    const past = DECISION_LOOK[r.decision].past;
    if (r.ids.length === 1) {
      const id = r.ids[0] as string;
      const outcome = await store.decide(id, r.decision, notes);
      request.value = null;
      if (outcome === 'decided') {
        notice.value = { severity: 'success', text: `${name(id)} ${past}.` };
        onDecided([id]);
      } else {
        const now = store.byId[id];
        const state =
          now && now.status !== 'pending'
            ? ` It is ${APPROVAL_STATUS_LOOK[now.status].label.toLowerCase()}${now.decidedBy ? ` by ${now.decidedBy}` : ''}.`
            : '';
        notice.value = {
          severity: outcome === 'conflict' ? 'warn' : 'error',
          text: `${name(id)}: ${store.decideErrors[id]?.message ?? 'not decided.'}${state}`,
        };
      }
    } else {
      const outcome = await store.bulkDecide(r.ids, r.decision, notes);
      request.value = null;
      if (outcome.error) {
        notice.value = { severity: 'error', text: `Nothing was decided: ${outcome.error.message}` };
      } else {
        const failed = outcome.failed.map((f) => `${name(f.id)} — ${f.message}`);
        const head = `${outcome.decided.length} ${past}.`;
        notice.value = failed.length
          ? { severity: 'warn', text: `${head} ${failed.length} could not be decided: ${failed.join('; ')}` }
          : { severity: 'success', text: head };
        onDecided(outcome.decided);
      }
    }
  }

  return { request, notice, busy, dialog, bulk, ask, cancel, confirm };
}
