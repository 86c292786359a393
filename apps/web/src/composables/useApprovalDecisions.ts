import type { Decision } from '@orchestrator/contracts';
import { computed, ref } from 'vue';
import { useApprovalsStore } from '../stores/approvals';
import { APPROVAL_STATUS_LOOK, DECISION_LOOK } from '../utils/approvals';

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

  const dialog = computed(() => {
    const r = request.value;
    if (!r) return null;
    const look = DECISION_LOOK[r.decision];
    const single = r.ids.length === 1 ? store.byId[r.ids[0] ?? ''] : undefined;
    if (single) {
      return {
        header: `${look.label} ${name(single.id)}?`,
        message:
          r.decision === 'approve'
            ? `If approved: ${single.preview.summary}`
            : `The step will not run: ${single.preview.summary}`,
        confirm: look.label,
        severity: look.severity,
      };
    }
    return {
      header: `${look.label} ${r.ids.length} approvals?`,
      message: 'Each one is decided on its own: any that were decided meanwhile are reported and left as they are.',
      confirm: `${look.label} ${r.ids.length}`,
      severity: look.severity,
    };
  });

  function ask(next: DecisionRequest): void {
    if (next.ids.length === 0) return;
    request.value = next;
    notice.value = null;
  }

  function cancel(): void {
    if (!busy.value) request.value = null;
  }

  async function confirm(notes: string): Promise<void> {
    const r = request.value;
    if (!r || busy.value) return;
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

  return { request, notice, busy, dialog, ask, cancel, confirm };
}
