import { Injectable, Logger } from '@nestjs/common';
import type { DelegationInfo } from '@orchestrator/contracts';

export interface RatedDelegation {
  workspaceId: string;
  userId: string;
  delegation: DelegationInfo;
  comment: string | null;
}

export type RatingListener = (rated: RatedDelegation) => Promise<void> | void;

/**
 * Tells other modules (the improvement triggers) that a person rated a delegated answer, after
 * the rating is stored. Listeners must return quickly; their errors are logged, never surfaced
 * to the person who rated.
 */
@Injectable()
export class DelegationRatings {
  private readonly logger = new Logger('DelegationRatings');
  private readonly listeners = new Set<RatingListener>();

  onRated(listener: RatingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async rated(event: RatedDelegation): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (err) {
        this.logger.error({ err, delegationId: event.delegation.id }, 'rating listener failed');
      }
    }
  }
}
