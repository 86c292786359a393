import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupTestPostgres } from '@orchestrator/db/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pg: { adminUrl: string; template: string };
    /** Where the test files' copies of agents/ go; removed after the run. */
    agentsRoot: string;
  }
}

/**
 * One Postgres (TEST_DATABASE_URL or embedded) migrated once into a template database, and one
 * temporary folder for the copies of agents/ the apps run on (see `copyOfAgents`).
 */
export default async function setup(project: TestProject) {
  const migrations = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../supabase/migrations');
  const pg = await setupTestPostgres(migrations);
  project.provide('pg', { adminUrl: pg.adminUrl, template: pg.template });
  const agentsRoot = await mkdtemp(path.join(os.tmpdir(), 'orch-test-agents-'));
  project.provide('agentsRoot', agentsRoot);
  return async () => {
    await pg.teardown();
    await rm(agentsRoot, { recursive: true, force: true });
  };
}
