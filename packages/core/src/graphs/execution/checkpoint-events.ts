import { readySteps, type ExecStep } from '../../execution/flatten.js';
import type { ExecutionInterrupt } from '../../execution/ports.js';
import type { ExecutionStateType } from './state.js';

/** What one checkpoint of a project thread holds, as far as a person's timeline needs it. */
export interface CheckpointView {
  /** LangGraph's checkpoint source: `input` (the run's first input), `loop`, `update` (rollback, fork). */
  source: string;
  values: Partial<ExecutionStateType>;
  /** The graph nodes about to run (`run_step`, `schedule`); empty when the run has ended. */
  graphNext: readonly string[];
  /** What the run asked a person at this checkpoint (interrupts written with it). */
  interrupts: readonly ExecutionInterrupt[];
}

/** How to name things for people: an agent's title from its name. */
export interface CheckpointLabels {
  agentTitle(name: string): string;
}

const SHOWN_NAMES = 3;

/** The steps about to run at a checkpoint, by step key: the ready steps (and the failed ones waiting for a decision). */
export function nextStepKeys(view: CheckpointView): string[] {
  if (view.graphNext.length === 0) return [];
  const steps = view.values.steps ?? [];
  const failures = view.values.failures ?? {};
  const ready = readySteps(steps, view.values.done ?? {})
    .filter((s) => !failures[s.key])
    .map((s) => s.key);
  return [...ready, ...Object.keys(failures).filter((k) => !ready.includes(k))];
}

/**
 * What happened at a checkpoint, in plain words, from the difference with the checkpoint before it
 * (`previous`: its parent, or null for the first of a thread). Pure: the same views give the same words.
 */
export function checkpointEvents(
  current: CheckpointView,
  previous: CheckpointView | null,
  labels: CheckpointLabels,
): string[] {
  const steps = current.values.steps?.length ? current.values.steps : (previous?.values.steps ?? []);
  const name = nameOf(steps);
  const events: string[] = [];

  if (current.source === 'input') return ['Plan approved — run started'];
  if (current.source === 'update' || current.source === 'fork') {
    const finished = Object.keys(current.values.done ?? {}).length;
    const kept = finished === 0 ? 'no step finished yet' : `${count(finished, 'step')} kept as finished`;
    events.push(
      previous === null
        ? `Forked from another project — ${kept}`
        : `Rolled back to this point — ${kept}, the others run again`,
    );
    return events;
  }

  const before = previous?.values ?? {};
  const now = current.values;
  const doneBefore = before.done ?? {};
  for (const [key, outcome] of Object.entries(now.done ?? {})) {
    if (doneBefore[key]?.status === outcome.status) continue;
    if (outcome.status === 'completed')
      events.push(
        outcome.agent ? `${name(key)} completed by ${labels.agentTitle(outcome.agent)}` : `${name(key)} completed`,
      );
    else if (outcome.status === 'skipped')
      events.push(`${name(key)} skipped${outcome.reason ? ` — ${outcome.reason}` : ''}`);
    else
      events.push(`${name(key)} ${outcome.status.replace(/_/g, ' ')}${outcome.reason ? ` — ${outcome.reason}` : ''}`);
  }

  const failuresBefore = before.failures ?? {};
  const failuresNow = now.failures ?? {};
  for (const [key, failure] of Object.entries(failuresNow)) {
    if (failuresBefore[key]) continue;
    events.push(
      failure.agentDevelopment
        ? `${name(key)} needs an agent that does not exist yet`
        : `${name(key)} failed — ${failure.message}`,
    );
  }
  for (const key of Object.keys(failuresBefore)) {
    if (failuresNow[key] || now.done?.[key]) continue;
    const agent = now.retries?.[key]?.agent;
    const changed = agent && agent !== before.retries?.[key]?.agent;
    events.push(changed ? `${name(key)} reassigned to ${labels.agentTitle(agent)}` : `${name(key)} retried`);
  }

  if (now.aborted && !before.aborted) events.push(`Run stopped — ${now.aborted}`);

  const approvals = current.interrupts.filter((i) => i.kind === 'approval').map((i) => i.stepKey);
  if (approvals.length > 0) events.push(`Paused for approval of ${list(approvals.map(name))}`);
  for (const ask of current.interrupts) {
    if (ask.kind === 'error') events.push(`Waiting for a decision on the failed step ${name(ask.stepKey)}`);
    else if (ask.kind === 'agent_development') events.push(`${name(ask.stepKey)} waits for its agent to be built`);
  }

  const asked = new Set(current.interrupts.map((i) => i.stepKey));
  const nextBefore = previous ? new Set(nextStepKeys(previous)) : new Set<string>();
  const started = nextStepKeys(current).filter((k) => !nextBefore.has(k) && !asked.has(k) && !failuresNow[k]);
  if (started.length > 0) events.push(`Started ${list(started.map(name))}`);

  const total = steps.length;
  if (
    current.graphNext.length === 0 &&
    current.interrupts.length === 0 &&
    !now.aborted &&
    total > 0 &&
    Object.keys(now.done ?? {}).length >= total
  )
    events.push(`Run finished — all ${count(total, 'step')} done`);

  if (events.length === 0) events.push('Progress saved');
  return events;
}

const nameOf = (steps: readonly ExecStep[]) => {
  const names = new Map(steps.map((s) => [s.key, s.step.name]));
  return (key: string) => `“${names.get(key) ?? key}”`;
};

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** “A”, “B” and “C”; longer lists name the first few and count the rest. */
function list(names: string[]): string {
  if (names.length <= 1) return names.join('');
  if (names.length <= SHOWN_NAMES) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${names.slice(0, SHOWN_NAMES).join(', ')} and ${names.length - SHOWN_NAMES} more`;
}
