import type { Duration } from '@orchestrator/contracts';
import type { TemplateStep } from '../types.js';

export const hours = (value: number): Duration => ({ value, unit: 'hours' });
export const days = (value: number): Duration => ({ value, unit: 'days' });
export const weeks = (value: number): Duration => ({ value, unit: 'weeks' });

type StepInput = Omit<TemplateStep, 'type' | 'dependsOn' | 'collaboration'> &
  Partial<Pick<TemplateStep, 'type' | 'dependsOn' | 'collaboration'>>;

/** A template step with the usual defaults: standard, no dependencies, no person involved. */
export const step = (s: StepInput): TemplateStep => ({ type: 'standard', dependsOn: [], collaboration: null, ...s });

/** A decision a person makes: nobody is named until the plan is refined ("assign it to Sarah"). */
export const approval = (s: Omit<StepInput, 'capability' | 'type' | 'collaboration'>): TemplateStep => ({
  ...step({ ...s, capability: null }),
  type: 'human_approval',
  collaboration: 'approval',
});

/** First match of `pattern` in the request, tidied for a title, or null. */
export function subjectOf(request: string, pattern: RegExp): string | null {
  const m = pattern.exec(request);
  const raw = m?.[1]
    ?.trim()
    .replace(/\s+/g, ' ')
    .replace(/[.,!?;:]+$/, '');
  return raw && raw.length >= 2 && raw.length <= 60 ? raw : null;
}
