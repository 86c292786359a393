/** How the error-rate trigger reads an agent's recent tasks (docs/workforce.md#where-a-proposal-comes-from). */
export interface ImprovementOptions {
  /** Every this many ms; 0 turns the periodic check off. */
  checkIntervalMs: number;
  /** The last N finished tasks of each agent are looked at. */
  taskWindow: number;
  /** Fewer finished tasks than this say nothing yet. */
  minTasks: number;
  /** Failure share (0–1) at or above which a proposal is made. */
  minFailureRate: number;
  /** An agent proposed for its error rate is not proposed again for this long. */
  cooldownMs: number;
}

export const IMPROVEMENT_OPTIONS = Symbol('IMPROVEMENT_OPTIONS');

export const DEFAULT_IMPROVEMENT_OPTIONS: ImprovementOptions = {
  checkIntervalMs: 0,
  taskWindow: 20,
  minTasks: 5,
  minFailureRate: 0.4,
  cooldownMs: 24 * 60 * 60_000,
};
