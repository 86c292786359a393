import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupTestPostgres } from '@orchestrator/db/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pg: { adminUrl: string; template: string };
  }
}

/** One Postgres (TEST_DATABASE_URL or embedded) migrated once into a template database. */
export default async function setup(project: TestProject) {
  const migrations = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../supabase/migrations');
  const pg = await setupTestPostgres(migrations);
  project.provide('pg', { adminUrl: pg.adminUrl, template: pg.template });
  return () => pg.teardown();
}
