import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupTestPostgres } from '@orchestrator/db/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../supabase/migrations');

/** One Postgres (TEST_DATABASE_URL or embedded) and one migrated template for the whole run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pg = await setupTestPostgres(MIGRATIONS);
  project.provide('pgAdminUrl', pg.adminUrl);
  project.provide('pgTemplate', pg.template);
  return pg.teardown;
}
