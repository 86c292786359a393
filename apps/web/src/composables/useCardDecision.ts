import type { Decision } from '@orchestrator/contracts';
import { computed, ref, type Ref } from 'vue';
import { useApprovalsStore } from '../stores/approvals';

/**
 * Approve / reject the one approval a card stands for (an agent build, an improvement): the
 * decision asked for, the confirmed decide with notes, and why it was not recorded. `refresh`
 * runs after every attempt — the card's subject moves on by its own socket event, and a fetch
 * covers a missed one.
 */
export function useCardDecision(approvalId: Ref<string | null>, refresh: () => void) {
  const approvals = useApprovalsStore();
  const asking = ref<Decision | null>(null);
  const decideError = ref<string | null>(null);
  const deciding = computed(() => (approvalId.value ? !!approvals.deciding[approvalId.value] : false));

  async function decide(notes: string): Promise<void> {
    const decision = asking.value;
    const target = approvalId.value;
    if (!decision || !target) return;
    decideError.value = null;
    const outcome = await approvals.decide(target, decision, notes);
    asking.value = null;
    if (outcome !== 'decided')
      decideError.value = approvals.decideErrors[target]?.message ?? 'The decision was not recorded.';
    refresh();
  }

  return { asking, decideError, deciding, decide };
}
