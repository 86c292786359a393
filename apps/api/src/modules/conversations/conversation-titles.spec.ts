import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSpecDatabase, type SpecDatabase } from '../../testing/spec-database.js';
import { distinctTitleSql } from './conversation-titles.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

let spec: SpecDatabase;

beforeAll(async () => {
  spec = await openSpecDatabase(2);
});
afterAll(async () => {
  await spec?.close();
});

/** The title a new conversation of `workspace` wanting `wanted` gets. */
async function titleFor(workspace: string, wanted: string): Promise<string> {
  const { rows } = await spec.pool.query<{ title: string }>(
    `select ${distinctTitleSql('$1::uuid', 'null::uuid', '$2')} as title`,
    [workspace, wanted],
  );
  return rows[0]!.title;
}

describe('distinctTitleSql', () => {
  it('should find the numbers a title has taken in the title index', async () => {
    const conn: PoolClient = await spec.pool.connect();
    try {
      // Without enough rows the planner rightly prefers a scan; this asks which index the query can use.
      await conn.query('set enable_seqscan = off; set enable_bitmapscan = off');
      const { rows } = await conn.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `explain (format json) select ${distinctTitleSql('$1::uuid', 'null::uuid', '$2')}`,
        [randomUUID(), 'Hi'],
      );
      const read = nodes(rows[0]!['QUERY PLAN'][0].Plan).find((n) => n['Relation Name'] === 'conversations');
      expect(read?.['Index Name']).toBe('conversations_workspace_title_idx');
    } finally {
      conn.release();
    }
  });

  it.each([
    [['Hi'], 'Hi', 'Hi (2)'],
    [['Hi', 'Hi (2)', 'Hi (7)', 'Hi (x)', 'Hi there'], 'Hi', 'Hi (8)'],
    [['Hi (2)'], 'Hi', 'Hi'],
    [['50% off_'], '50% off_', '50% off_ (2)'],
    [['hi'], 'Hi', 'Hi'],
    [['x'.repeat(200)], 'x'.repeat(200), `${'x'.repeat(196)} (2)`],
  ])('should name a conversation after %j wanting %j: %j', async (existing, wanted, expected) => {
    const workspace = randomUUID();
    await spec.pool.query(`insert into workspaces (id, name, slug) values ($1, 'Titles', $2)`, [workspace, workspace]);
    for (const title of existing)
      await spec.pool.query('insert into conversations (workspace_id, title) values ($1, $2)', [workspace, title]);
    expect(await titleFor(workspace, wanted)).toBe(expected);
  });
});
