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
 * and takes over those whose process stopped renewing them — after a crash or a kill, at the
 * first sweep after start-up once their lease has run out. The facade then continues each turn
 * from its checkpoint, or posts a failure notice with Retry.
 */
@Injectable()
export class ReplyRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReplyRecovery');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

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

  /** One sweep at a time: a slow database must not pile them up. */
  sweep(): Promise<void> {
    this.sweeping ??= this.renewAndClaim().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async renewAndClaim(): Promise<void> {
    try {
      await this.conversations.renewLeases();
      for (const pending of await this.conversations.claimAbandoned(CLAIM_BATCH)) {
        this.logger.log(
          { conversationId: pending.conversationId, messageId: pending.messageId, recoveries: pending.recoveries },
          'answering a message whose reply was interrupted',
        );
        this.orchestrator
          .resume(pending)
          .catch((err: unknown) =>
            this.logger.error({ err, messageId: pending.messageId }, 'an interrupted reply could not be stored'),
          );
      }
    } catch (err) {
      this.logger.warn({ err }, 'chat reply recovery sweep failed; the next one retries');
    }
  }
}
