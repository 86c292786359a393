export { PostgresCheckpointSaver, type EnqueueOptions, type PostgresCheckpointSaverOptions } from './saver.js';
export { OutboxWriteDropped } from './errors.js';
export { type AnyOutboxStatement, type OutboxRowStatement, type OutboxStatement, type OutboxWrite } from './outbox.js';
export { type PruneAllOptions, type PruneResult, type PruneThreadOptions } from './retention.js';
