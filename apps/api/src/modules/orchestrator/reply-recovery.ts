import { acrossWorkspaces, inWorkspace } from '@orchestrator/db';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { OrchestratorFacade } from '@orchestrator/core';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { ORCHESTRATOR } from './orchestrator.tokens.js';

/** Pending replies taken over per sweep; the rest wait for the next one. */
const CLAIM_BATCH = 20;

/**
 * Nothing a person sent is left without an answer (docs/operations.md → Chat replies after a
 * crash). Every third of a lease this process renews its claims on the replies it is producing
 * right now, and takes over those nobody renews: their process died (a crash or a kill: at the
 * first sweeps after start-up), or their turn ended here without storing its answer (the
 * database went away meanwhile). The facade then continues each turn from its checkpoint, or
 * posts a failure notice with Retry.
 */
@Injectable()
export class ReplyRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReplyRecovery');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  /** Messages this process is answering now: only their claims are renewed. */
  private readonly answering = new Set<string>();
  /** A database outage fails every sweep: said once, not every few seconds. */
  private failing = false;

  constructor(
    private readonly conversations: ConversationsRepository,
    @Inject(ORCHESTRATOR) private readonly orchestrator: OrchestratorFacade,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), Math.ceil(this.config.env.CHAT_REPLY_LEASE_MS / 3));
    this.timer.unref();
    void this.sweep();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Keeps the claim on a message's reply alive until `reply` settles (stored, or not at all). */
  track(messageId: string, reply: Promise<unknown>): void {
    this.answering.add(messageId);
    const done = () => void this.answering.delete(messageId);
    reply.then(done, done);
  }

  /** One sweep at a time: a slow database must not pile them up. */
  sweep(): Promise<void> {
    this.sweeping ??= this.renewAndClaim().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async renewAndClaim(): Promise<void> {
    try {
      const claimed = await acrossWorkspaces('recover interrupted chat replies', async () => {
        await this.conversations.renewLeases([...this.answering]);
        return this.conversations.claimAbandoned(CLAIM_BATCH);
      });
      for (const pending of claimed) {
        this.logger.log(
          { conversationId: pending.conversationId, messageId: pending.messageId, recoveries: pending.recoveries },
          'answering a message whose reply was interrupted',
        );
        const reply = inWorkspace(pending.workspaceId, () => this.orchestrator.resume(pending));
        this.track(pending.messageId, reply);
        reply.catch((err: unknown) =>
          this.logger.error({ err, messageId: pending.messageId }, 'an interrupted reply could not be stored'),
        );
      }
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn({ err }, 'chat reply recovery sweep failed; the next ones retry');
      this.failing = true;
    }
  }
}
