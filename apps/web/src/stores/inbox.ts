import type { Approval, StepUpdated } from '@orchestrator/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, toApiError, type ApiError, type InboxHumanStep } from '../api';
import { useApprovalsStore } from './approvals';
import type { LoadState } from './conversations';
import { createInflight } from './inflight';

/** Live events that may add to the inbox are gathered into one refetch. */
export const INBOX_RELOAD_DELAY_MS = 500;

/** A human-assigned step leaves the inbox once it is no longer waiting for anyone. */
const OPEN_STATUSES = ['pending', 'ready', 'running', 'retrying', 'waiting_for_human', 'pending_approval'];

/**
 * "Needs my action": approvals this person can decide and steps assigned to people,
 * with due dates. Approvals are held by the approvals store (normalised by id); the inbox keeps
 * which of them are this person's.
 */
export const useInboxStore = defineStore('inbox', () => {
  const approvals = useApprovalsStore();
  const approvalIds = ref<string[]>([]);
  const humanSteps = ref<InboxHumanStep[]>([]);
  const state = ref<LoadState>('idle');
  const error = ref<ApiError | null>(null);
  const { fresh } = createInflight();
  let timer: ReturnType<typeof setTimeout> | null = null;

  /** Still pending ones only: a decision elsewhere takes an item out at once. */
  const pendingApprovals = computed(() =>
    approvalIds.value
      .map((id) => approvals.byId[id])
      .filter((a): a is Approval => a !== undefined && a.status === 'pending'),
  );
  const steps = computed(() =>
    [...humanSteps.value].sort(
      (a, b) => (a.dueAt ? Date.parse(a.dueAt) : Infinity) - (b.dueAt ? Date.parse(b.dueAt) : Infinity),
    ),
  );
  const count = computed(() => pendingApprovals.value.length + humanSteps.value.length);

  function load(options: { force?: boolean } = {}): Promise<void> {
    if (state.value === 'ready' && !options.force) return Promise.resolve();
    return fresh('inbox', async () => {
      if (state.value !== 'ready') state.value = 'loading';
      error.value = null;
      try {
        const inbox = await api.getInbox();
        for (const approval of inbox.approvals) approvals.upsert(approval);
        approvalIds.value = inbox.approvals.map((a) => a.id);
        humanSteps.value = inbox.humanSteps;
        state.value = 'ready';
      } catch (cause) {
        error.value = toApiError(cause);
        if (state.value !== 'ready') state.value = 'error';
      }
    });
  }

  /** Refetches soon if loaded: whether a new approval or step is this person's is the server's call. */
  function reloadSoon(): void {
    if (state.value === 'idle' || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void load({ force: true });
    }, INBOX_RELOAD_DELAY_MS);
  }

  function applyStepUpdated({ projectId, step }: StepUpdated): void {
    if (state.value === 'idle') return;
    const listed = humanSteps.value.some((s) => s.projectId === projectId && s.stepKey === step.stepKey);
    if (listed && !OPEN_STATUSES.includes(step.status)) {
      humanSteps.value = humanSteps.value.filter((s) => !(s.projectId === projectId && s.stepKey === step.stepKey));
    } else if (!listed && step.assignedHuman && step.status === 'waiting_for_human') {
      reloadSoon();
    }
  }

  return { approvalIds, humanSteps, pendingApprovals, steps, count, state, error, load, reloadSoon, applyStepUpdated };
});
