/**
 * A queued outbox write that was not committed and never will be: its task failed or was
 * interrupted (it runs again and queues the write again), it was replaced by a newer write
 * with the same key, or discard() dropped it. Detect it by `code`, not instanceof.
 */
export class OutboxWriteDropped extends Error {
  override readonly name = 'OutboxWriteDropped';
  readonly code = 'checkpoint/outbox_dropped' as const;
}
