import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../common/cursor.js';
import { openSpecDatabase, type SpecDatabase } from '../../testing/spec-database.js';
import { ProjectsRepository } from './projects.repository.js';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

let spec: SpecDatabase;
let conn: PoolClient;

beforeAll(async () => {
  spec = await openSpecDatabase(2);
  conn = await spec.pool.connect();
  // Without enough rows the planner rightly prefers a scan; this asks which index the query can use.
  await conn.query('set enable_seqscan = off; set enable_bitmapscan = off');
});
afterAll(async () => {
  conn?.release();
  await spec?.close();
});

/** Runs ProjectsRepository#list's own SQL under EXPLAIN and returns the plan's nodes. */
async function planOfList(status?: 'completed', cursor?: string): Promise<PlanNode[]> {
  let plan: PlanNode | undefined;
  const explaining = {
    query: async (sql: string, params: unknown[]) => {
      const { rows } = await conn.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${sql}`, params);
      plan = rows[0]!['QUERY PLAN'][0].Plan;
      return { rows: [] };
    },
  } as unknown as Pool;
  await new ProjectsRepository(explaining).list(randomUUID(), 30, status, cursor);
  return nodes(plan!);
}

describe('ProjectsRepository#list', () => {
  it.each([
    ['the first page', undefined, undefined, 'projects_workspace_created_idx'],
    ['a page after a cursor', undefined, encodeCursor(new Date(), randomUUID()), 'projects_workspace_created_idx'],
    ['a status filter', 'completed' as const, undefined, 'projects_workspace_status_created_idx'],
  ])('should read %s in index order with no sort', async (_what, status, cursor, index) => {
    const plan = await planOfList(status, cursor);
    expect(plan.map((n) => n['Node Type'])).not.toContain('Sort');
    expect(plan.find((n) => n['Node Type'] === 'Index Scan')?.['Index Name']).toBe(index);
  });
});
