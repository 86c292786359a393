import { Inject, Injectable } from '@nestjs/common';
import type { AuditEntry, AuditListQuery, AuditPage, RiskLevel } from '@orchestrator/contracts';
import type { Pool, PoolClient } from '@orchestrator/db';
import { decodeCursor, encodeCursor } from '../../common/cursor.js';
import { userNameSql } from '../../common/user-name.js';
import { PG_POOL } from '../../database/tokens.js';

type AuditMode = AuditEntry['mode'];

/** One executed action. Written in the same transaction as the change it records. */
export interface NewAuditEntry {
  workspaceId: string;
  actorType: AuditEntry['actorType'];
  /** User id, agent name or system component, according to actorType. */
  actor: string;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  projectId?: string | null;
  stepKey?: string | null;
  department?: string | null;
  riskLevel?: RiskLevel | null;
  mode: AuditMode;
  approvalId?: string | null;
  approvedBy?: string | null;
  result: AuditEntry['result'];
  error?: string | null;
  details?: Record<string, unknown>;
}

/**
 * What a person did directly (no agent involved), as its audit entry: acting as `who.userId` in
 * `who.workspaceId` (a request's context fits).
 */
export const personEntry = (
  who: { workspaceId: string; userId: string },
  action: string,
  fields: Omit<NewAuditEntry, 'workspaceId' | 'actorType' | 'actor' | 'action' | 'mode' | 'result'> = {},
): NewAuditEntry => ({
  workspaceId: who.workspaceId,
  actorType: 'user',
  actor: who.userId,
  action,
  mode: 'manual',
  result: 'success',
  ...fields,
});

interface AuditRow {
  id: string;
  actor_type: AuditEntry['actorType'];
  actor: string;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  project_id: string | null;
  step_key: string | null;
  risk_level: RiskLevel | null;
  mode: AuditMode;
  approval_id: string | null;
  result: AuditEntry['result'];
  created_at: Date;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  actorType: r.actor_type,
  actor: r.actor,
  actorName: r.actor_name ?? r.actor,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  projectId: r.project_id,
  stepKey: r.step_key,
  riskLevel: r.risk_level,
  mode: r.mode,
  approvalId: r.approval_id,
  result: r.result,
  createdAt: r.created_at.toISOString(),
});

/** A trailing `*` filters by prefix (`approval.*`); LIKE wildcards in the value itself are literal. */
const actionPattern = (action: string): string | undefined =>
  action.endsWith('*') ? `${action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;

/**
 * The append-only audit log (the table's triggers refuse UPDATE, DELETE and TRUNCATE): this
 * repository only ever inserts and reads.
 */
@Injectable()
export class AuditRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Appends entries through `db`, so they commit or roll back with the change they record. */
  async append(db: Pool | PoolClient, entries: NewAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const columns = 16;
    const params: unknown[] = [];
    const values = entries.map((e, i) => {
      params.push(
        e.workspaceId,
        e.actorType,
        e.actor,
        e.action,
        e.targetType ?? null,
        e.targetId ?? null,
        e.projectId ?? null,
        e.stepKey ?? null,
        e.department ?? null,
        e.riskLevel ?? null,
        e.mode,
        e.approvalId ?? null,
        e.approvedBy ?? null,
        e.result,
        e.error ?? null,
        JSON.stringify(e.details ?? {}),
      );
      return `(${Array.from({ length: columns }, (_, c) => `$${i * columns + c + 1}`).join(', ')})`;
    });
    await db.query(
      `insert into audit_log (workspace_id, actor_type, actor, action, target_type, target_id, project_id, step_key,
                              department, risk_level, mode, approval_id, approved_by, result, error, details)
       values ${values.join(', ')}`,
      params,
    );
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(workspaceId: string, query: AuditListQuery): Promise<AuditPage> {
    const params: unknown[] = [workspaceId, query.limit + 1];
    const where = ['workspace_id = $1'];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (query.projectId) add((n) => `project_id = $${n}`, query.projectId);
    if (query.actor) add((n) => `actor = $${n}`, query.actor);
    if (query.action) {
      const prefix = actionPattern(query.action);
      if (prefix) add((n) => `action like $${n}`, prefix);
      else add((n) => `action = $${n}`, query.action);
    }
    if (query.mode) add((n) => `mode = $${n}`, query.mode);
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor);
      params.push(at, id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const { rows } = await this.pool.query<AuditRow>(
      `select id, actor_type, actor, action, target_type, target_id, project_id, step_key, risk_level, mode, approval_id, result, created_at,
              (select ${userNameSql('u')} from users u where audit_log.actor_type = 'user' and u.id::text = audit_log.actor) as actor_name
         from audit_log where ${where.join(' and ')} order by created_at desc, id desc limit $2`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      entries: page.map(toEntry),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }
}
