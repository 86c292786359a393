import { validate } from '@langchain/langgraph-checkpoint-validation';
import { PostgresCheckpointSaver } from './saver.js';
import { openTestPool, truncateCheckpoints, type TestPool } from './test-support/db.js';

// The official conformance suite for LangGraph checkpointers (its CLI is broken in 1.1.1, so
// it runs here, with vitest globals). Tables are truncated between its test groups: its list
// tests expect to see only the checkpoints they wrote.
let db: TestPool;

validate<PostgresCheckpointSaver>({
  checkpointerName: '@orchestrator/checkpoint-postgres',
  beforeAllTimeout: 60_000,
  async beforeAll() {
    db = await openTestPool();
  },
  async afterAll() {
    await db.close();
  },
  async createCheckpointer() {
    await truncateCheckpoints(db.pool);
    return new PostgresCheckpointSaver(db.pool);
  },
  async destroyCheckpointer() {
    await truncateCheckpoints(db.pool);
  },
});
