import { Logger } from '@nestjs/common';
import { acrossWorkspaces, type Pool } from '@orchestrator/db';
import type { RealtimePublisher } from '../../../realtime/realtime.publisher.js';
import { APPLY_COMPLETIONS, completedRowFromJson, toStep } from '../execution.rows.js';

/** How long completions saved with their checkpoints wait, to be applied together. */
export const APPLY_DELAY_MS = 50;

/**
 * Applies the completions that steps save with their checkpoints (step_completions) to
 * project_steps and audit_log, and pushes `step.updated` for each. A step's checkpoint commit
 * stays small (one narrow row); the step row and the audit entry follow within APPLY_DELAY_MS,
 * several steps per statement. One apply at a time in this process; other processes' applies
 * skip the rows it holds, and every completion is applied (and deleted) exactly once.
 */
export class CompletionApplier {
  private readonly logger = new Logger('CompletionApplier');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    private readonly publisher: RealtimePublisher,
  ) {}

  /** A completion was saved: apply it, with whatever else is saved within APPLY_DELAY_MS. */
  saved(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((err: unknown) =>
        this.logger.error({ err }, 'could not apply step completions; they are applied at the next flush'),
      );
    }, APPLY_DELAY_MS);
  }

  /** Applies every saved completion (of one project, or all) after the apply in progress. */
  flush(projectId?: string): Promise<void> {
    const previous = this.running;
    // Completions are applied in batches that may span workspaces: each row names its own.
    const run = acrossWorkspaces('apply step completions', async () => {
      await previous?.catch(() => undefined);
      while (await this.applyBatch(projectId ?? null));
    });
    this.running = run;
    return run.finally(() => {
      if (this.running === run) this.running = undefined;
    });
  }

  /** Stops waiting and applies what is saved (shutdown). */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** One batch; true when more may be waiting. */
  private async applyBatch(projectId: string | null): Promise<boolean> {
    const { rows } = await this.pool.query<{ locked: number; applied: number; completed: unknown[] }>({
      name: 'execution_apply_completions',
      text: APPLY_COMPLETIONS,
      values: [projectId],
    });
    const r = rows[0]!;
    for (const raw of r.completed) {
      const row = completedRowFromJson(raw) as ReturnType<typeof completedRowFromJson> & {
        workspace_id: string;
        project_id: string;
      };
      this.publisher.stepUpdated(row.workspace_id, row.project_id, toStep(row));
    }
    return r.locked > r.applied || r.locked === 500;
  }
}
