/** Injection token of the approvals sweeper settings. */
export const APPROVALS_OPTIONS = Symbol('APPROVALS_OPTIONS');

export interface ApprovalsOptions {
  /** How often pending approvals are expired and escalated; 0 turns the periodic sweeper off. */
  sweepIntervalMs: number;
  /** How long an approval waits at one level of the org chart before it moves up. */
  escalationTimeoutMinutes: number;
  /** Expiry of approvals whose department's autonomy policy sets none. */
  defaultExpiryMinutes: number;
}

export const DEFAULT_APPROVALS_OPTIONS: ApprovalsOptions = {
  sweepIntervalMs: 30_000,
  escalationTimeoutMinutes: 60,
  defaultExpiryMinutes: 24 * 60,
};
