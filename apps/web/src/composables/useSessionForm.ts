import type { SessionInfo } from '@orchestrator/contracts';
import { ref } from 'vue';
import { useRoute } from 'vue-router';
import type { z } from 'zod';
import type { ApiError } from '../api';
import type { Outcome } from '../stores/budgets';
import { checkForm, errorsFrom, type FieldErrors } from '../utils/formErrors';
import { reloadAt } from '../utils/navigation';

/** The `?token=` a link page was opened with (setup, invitation, password reset); '' without one. */
export function useLinkToken(): string {
  const raw = useRoute().query['token'];
  return typeof raw === 'string' ? raw : '';
}

/** The default reading of a refusal: each issue at its field, the rest — or the message — for the form. */
export function formErrors(error: ApiError, byField: FieldErrors): FieldErrors {
  return { ...byField, '': byField[''] ?? error.message };
}

export interface SessionFormRequest<S extends z.ZodType> {
  schema: S;
  value: Record<string, unknown>;
  /** Fields that must not be blank, with what to say when they are. */
  required?: Record<string, string>;
  /** The fields the page shows errors at; issues on any other path go to the form. */
  fields?: readonly string[];
  /** The session store's call that signs the person in. */
  call: (body: z.output<S>) => Promise<Outcome<SessionInfo>>;
  /** What the page shows for a refusal; `formErrors` unless the page knows better. */
  explain?: (error: ApiError, byField: FieldErrors) => FieldErrors;
  /** Where to go once signed in. */
  next?: string;
}

/**
 * How the sign-in pages (login, setup, invitation, password reset) send their form: checked with
 * the API's own schema first, one request at a time, and once signed in a fresh page load, so
 * nothing a previous session loaded stays in memory.
 */
export function useSessionForm() {
  const errors = ref<FieldErrors>({});
  const busy = ref(false);

  async function send<S extends z.ZodType>(request: SessionFormRequest<S>): Promise<void> {
    if (busy.value) return;
    const checked = checkForm(request.schema, request.value, request.required);
    if (!checked.ok) {
      errors.value = checked.errors;
      return;
    }
    busy.value = true;
    errors.value = {};
    const outcome = await request.call(checked.body);
    if (outcome.ok) {
      reloadAt(request.next ?? '/');
      return;
    }
    busy.value = false;
    const byField = errorsFrom(outcome.error.issues, request.fields ?? []);
    errors.value = (request.explain ?? formErrors)(outcome.error, byField);
  }

  return { errors, busy, send };
}
