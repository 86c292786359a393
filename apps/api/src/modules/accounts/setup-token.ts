import { timingSafeEqual } from 'node:crypto';
import { newSecret, secretHash } from './secrets.js';

/**
 * First-run setup in authenticated mode is open to whoever reaches the server first, so it needs
 * a token that only the person who started the server has: printed once at start-up, kept in
 * memory, a new one at each start until setup is done.
 */
export class SetupToken {
  readonly value = newSecret();

  matches(candidate: string): boolean {
    return timingSafeEqual(secretHash(candidate), secretHash(this.value));
  }
}
