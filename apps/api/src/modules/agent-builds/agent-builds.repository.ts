import { Inject, Injectable } from '@nestjs/common';
import type {
  AgentBuild,
  AgentBuildPage,
  AgentBuildStatus,
  AgentDraft,
  AgentValidation,
} from '@orchestrator/contracts';
import { redactSecrets, type AgentSpec, type BuildProgress } from '@orchestrator/core';
import { withTransaction, type Pool, type PoolClient } from '@orchestrator/db';
import { decodeCursor, encodeCursor, isUuid } from '../../common/cursor.js';
import { PG_POOL } from '../../database/tokens.js';
import { AuditRepository, personEntry } from '../audit/audit.repository.js';
import { auditInsert } from '../audit/audit.sql.js';

interface BuildRow {
  id: string;
  workspace_id: string;
  status: AgentBuildStatus;
  request: string;
  template: AgentBuild['template'];
  capability: string | null;
  spec: AgentSpec;
  agent_name: string;
  draft: AgentDraft | null;
  draft_source: 'llm' | 'template' | null;
  draft_notes: string[];
  validation: AgentValidation | null;
  approval_id: string | null;
  conversation_id: string | null;
  project_id: string | null;
  step_key: string | null;
  reported_at: Date | null;
  error: string | null;
  created_by_name: string;
  created_at: Date;
  updated_at: Date;
}

/** A build with what only the server needs (the spec, the workspace, how it was drafted). */
export interface BuildRecord {
  build: AgentBuild;
  workspaceId: string;
  spec: AgentSpec;
  draftSource: 'llm' | 'template' | null;
  draftNotes: string[];
  reportedAt: Date | null;
}

export interface NewBuild {
  workspaceId: string;
  spec: AgentSpec;
  conversationId?: string | null;
  projectId?: string | null;
  stepKey?: string | null;
  createdBy: string | null;
  createdByName: string;
}

export const OPEN_BUILD_STATUSES: readonly AgentBuildStatus[] = [
  'drafting',
  'validating',
  'awaiting_approval',
  'deploying',
];
const OPEN = `('drafting', 'validating', 'awaiting_approval', 'deploying')`;
const COLUMNS = `id, workspace_id, status, request, template, capability, spec, agent_name, draft, draft_source, draft_notes, validation,
  approval_id, conversation_id, project_id, step_key, reported_at, error, created_by_name, created_at, updated_at`;

const toRecord = (r: BuildRow): BuildRecord => ({
  workspaceId: r.workspace_id,
  spec: r.spec,
  draftSource: r.draft_source,
  draftNotes: r.draft_notes,
  reportedAt: r.reported_at,
  build: {
    id: r.id,
    status: r.status,
    request: r.request,
    template: r.template,
    capability: r.capability,
    draft: r.draft,
    validation: r.validation,
    approvalId: r.approval_id,
    conversationId: r.conversation_id,
    projectId: r.project_id,
    stepKey: r.step_key,
    error: r.error,
    createdBy: r.created_by_name,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  },
});

const isUniqueViolation = (err: unknown, constraint: string) =>
  (err as { code?: unknown } | null)?.code === '23505' && (err as { constraint?: unknown }).constraint === constraint;

/** All SQL of agent builds. */
@Injectable()
export class AgentBuildsRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * Stores a new build; undefined when an open build already has its agent name (two builds
   * started at the same moment: the unique index decides which one gets the name). A build a
   * person asked for (`createdBy`) is audited as theirs in the same statement.
   */
  async insert(b: NewBuild): Promise<BuildRecord | undefined> {
    const inserted = this.pool.query<BuildRow>(
      `with b as (
         insert into agent_builds (workspace_id, request, template, capability, spec, agent_name, conversation_id, project_id, step_key, created_by, created_by_name)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         returning ${COLUMNS}
       ), audited as (
         ${auditInsert(
           [
             'workspace_id',
             'actor_type',
             'actor',
             'action',
             'target_type',
             'target_id',
             'project_id',
             'step_key',
             'mode',
             'result',
             'details',
           ],
           `select b.workspace_id, 'user', $12::text, 'agent_build.start', 'agent_build', b.id::text, b.project_id, b.step_key, 'manual', 'success',
                   jsonb_build_object('agent', b.agent_name) from b where $12 is not null`,
         )}
       )
       select * from b`,
      [
        b.workspaceId,
        b.spec.request,
        b.spec.template,
        b.spec.capability,
        JSON.stringify(b.spec),
        b.spec.name,
        b.conversationId ?? null,
        b.projectId ?? null,
        b.stepKey ?? null,
        b.createdBy,
        b.createdByName,
        // The person's id again, as the audit log's text actor.
        b.createdBy,
      ],
    );
    try {
      return toRecord((await inserted).rows[0]!);
    } catch (err) {
      if (isUniqueViolation(err, 'agent_builds_one_open_per_name_idx')) return undefined;
      throw err;
    }
  }

  async get(workspaceId: string, id: string): Promise<BuildRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query<BuildRow>(
      `select ${COLUMNS} from agent_builds where workspace_id = $1 and id = $2`,
      [workspaceId, id],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async byApproval(workspaceId: string, approvalId: string): Promise<BuildRecord | undefined> {
    const { rows } = await this.pool.query<BuildRow>(
      `select ${COLUMNS} from agent_builds where workspace_id = $1 and approval_id = $2`,
      [workspaceId, approvalId],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** The newest build of a plan step. */
  async latestForStep(workspaceId: string, projectId: string, stepKey: string): Promise<BuildRecord | undefined> {
    const { rows } = await this.pool.query<BuildRow>(
      `select ${COLUMNS} from agent_builds where workspace_id = $1 and project_id = $2 and step_key = $3 order by created_at desc, id desc limit 1`,
      [workspaceId, projectId, stepKey],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Names reserved by builds still in progress. */
  async reservedNames(workspaceId: string): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ agent_name: string }>(
      `select agent_name from agent_builds where workspace_id = $1 and status in ${OPEN}`,
      [workspaceId],
    );
    return new Set(rows.map((r) => r.agent_name));
  }

  /** Builds a restart must continue, in every workspace. */
  async open(): Promise<BuildRecord[]> {
    const { rows } = await this.pool.query<BuildRow>(
      `select ${COLUMNS} from agent_builds where status in ${OPEN} order by created_at`,
    );
    return rows.map(toRecord);
  }

  /**
   * Applies progress. Returns the record and whether the status changed: a replayed node
   * reports the same status again and must not be announced twice. A finished build is never
   * moved (a late replay cannot undo a rejection or a cancellation).
   */
  async progress(
    workspaceId: string,
    id: string,
    p: BuildProgress,
  ): Promise<{ record: BuildRecord; changed: boolean } | undefined> {
    const { rows } = await this.pool.query<BuildRow & { previous: AgentBuildStatus }>(
      `with prev as (select status from agent_builds where workspace_id = $1 and id = $2 for update)
       update agent_builds b
          set status = case when prev.status in ${OPEN} then $3 else prev.status end,
              draft = coalesce($4::jsonb, b.draft),
              draft_source = coalesce($5, b.draft_source),
              draft_notes = coalesce($6::text[], b.draft_notes),
              validation = coalesce($7::jsonb, b.validation),
              approval_id = coalesce($8::uuid, b.approval_id),
              error = case when $9::boolean then $10 else b.error end
         from prev
        where b.workspace_id = $1 and b.id = $2
        returning ${COLUMNS.split(', ')
          .map((c) => `b.${c.trim()}`)
          .join(', ')}, prev.status as previous`,
      [
        workspaceId,
        id,
        p.status,
        p.draft ? JSON.stringify(p.draft) : null,
        p.draftSource ?? null,
        // Notes and errors quote providers' errors, which can echo the API key.
        p.notes?.map(redactSecrets) ?? null,
        p.validation ? JSON.stringify(p.validation) : null,
        p.approvalId ?? null,
        p.error !== undefined,
        p.error == null ? null : redactSecrets(p.error),
      ],
    );
    const r = rows[0];
    return r && { record: toRecord(r), changed: r.previous !== r.status };
  }

  /**
   * Cancels an open build and withdraws its pending approval, in one transaction with the audit
   * entry of the person who cancelled it (`by`; null: the system, when its project was stopped).
   * Undefined when the build already ended; `withdrawn` when an approval was withdrawn with it.
   */
  async cancel(
    workspaceId: string,
    id: string,
    reason: string,
    by: string | null,
  ): Promise<{ record: BuildRecord; withdrawn: boolean } | undefined> {
    const note = redactSecrets(reason);
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<BuildRow>(
        `update agent_builds set status = 'cancelled', error = $3 where workspace_id = $1 and id = $2 and status in ${OPEN} returning ${COLUMNS}`,
        [workspaceId, id, note],
      );
      if (!rows[0]) return undefined;
      const record = toRecord(rows[0]);
      const { approvalId } = record.build;
      let withdrawn = false;
      if (approvalId) {
        const { rowCount } = await db.query(
          `update pending_approvals set status = 'cancelled', decided_at = now(), decision_notes = $3
            where workspace_id = $1 and id = $2 and status = 'pending'`,
          [workspaceId, approvalId, note],
        );
        withdrawn = rowCount === 1;
      }
      if (by)
        await this.audit.append(db, [
          personEntry({ workspaceId, userId: by }, 'agent_build.cancel', {
            targetType: 'agent_build',
            targetId: id,
            projectId: record.build.projectId,
            stepKey: record.build.stepKey,
            approvalId: withdrawn ? approvalId : null,
            details: { agent: record.spec.name, reason: note },
          }),
        ]);
      return { record, withdrawn };
    });
  }

  /**
   * Cancels the builds a stopped project started that have not ended, in the stop's transaction
   * (`db`), each audited as cancelled by the person who stopped the project. Their approvals are
   * withdrawn by the stop itself (ApprovalsRepository.cancelForProject). A build that is deploying
   * (its deployment was approved and is being written) is left to finish: cancelled halfway, its
   * agent could join the org chart under a build recorded as cancelled. A build belongs to one
   * project (`project_id`), so no other project waits on these. Returns them, to announce after
   * the commit.
   */
  async cancelForProject(
    db: PoolClient,
    who: { workspaceId: string; userId: string },
    projectId: string,
    reason: string,
  ): Promise<BuildRecord[]> {
    const note = redactSecrets(reason);
    const { rows } = await db.query<BuildRow>(
      `update agent_builds set status = 'cancelled', error = $3
        where workspace_id = $1 and project_id = $2 and status in ('drafting', 'validating', 'awaiting_approval')
        returning ${COLUMNS}`,
      [who.workspaceId, projectId, note],
    );
    const records = rows.map(toRecord);
    await this.audit.append(
      db,
      records.map((r) =>
        personEntry(who, 'agent_build.cancel', {
          targetType: 'agent_build',
          targetId: r.build.id,
          projectId,
          stepKey: r.build.stepKey,
          details: { agent: r.spec.name, reason: note },
        }),
      ),
    );
    return records;
  }

  async userName(userId: string): Promise<string> {
    const { rows } = await this.pool.query<{ name: string }>(
      'select coalesce(display_name, email) as name from users where id = $1',
      [userId],
    );
    return rows[0]?.name ?? 'a person';
  }

  /** Projects still paused for agent development whose step build has ended (its news may have been missed at a restart). */
  async endedForPausedProjects(): Promise<Array<{ workspaceId: string; build: AgentBuild }>> {
    const { rows } = await this.pool.query<BuildRow>(
      `select distinct on (b.project_id) ${COLUMNS.split(', ')
        .map((c) => `b.${c.trim()}`)
        .join(', ')}
         from agent_builds b join projects p on p.id = b.project_id
        where p.status = 'paused_for_agent_development' and b.status not in ${OPEN}
        order by b.project_id, b.updated_at desc`,
    );
    return rows.map((r) => ({ workspaceId: r.workspace_id, build: toRecord(r).build }));
  }

  async markReported(workspaceId: string, id: string): Promise<void> {
    await this.pool.query(
      'update agent_builds set reported_at = now() where workspace_id = $1 and id = $2 and reported_at is null',
      [workspaceId, id],
    );
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(workspaceId: string, query: { limit: number; cursor?: string }): Promise<AgentBuildPage> {
    const params: unknown[] = [workspaceId, query.limit + 1];
    let where = 'workspace_id = $1';
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor);
      params.push(at, id);
      where += ' and (created_at, id) < ($3::timestamptz, $4::uuid)';
    }
    const { rows } = await this.pool.query<BuildRow>(
      `select ${COLUMNS} from agent_builds where ${where} order by created_at desc, id desc limit $2`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      builds: page.map((r) => toRecord(r).build),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }
}
