import { Inject, Injectable } from '@nestjs/common';
import { AgentDefinitionSchema, type AgentDefinition, type AgentVersion, type AgentVersionPage, type AgentVersionSummary } from '@orchestrator/contracts';
import type { Pool, PoolClient } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import { PG_POOL } from '../../database/tokens.js';

type Db = Pool | PoolClient;

interface VersionRow {
  version: number;
  author_type: AgentVersionSummary['authorType'];
  author: string;
  message: string;
  restored_from: number | null;
  content_hash: string | null;
  created_at: Date;
  context_md?: string;
  definition?: unknown;
}

/** The row a save locks: the agent's current version and what the files hold. */
export interface LockedAgent {
  version: number;
  status: string;
  definition: AgentDefinition | null;
  contextMd: string;
  sourcePath: string;
}

export interface NewVersion {
  version: number;
  contextMd: string;
  definition: AgentDefinition;
  contentHash: string;
  authorType: AgentVersionSummary['authorType'];
  author: string;
  message: string;
  restoredFrom: number | null;
}

const SUMMARY = 'version, author_type, author, message, restored_from, content_hash, created_at';

/** agent_versions (append-only history) and the managed_agents columns a save changes. */
@Injectable()
export class AgentVersionsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** `select … for update`: saves of one agent queue here, so a version number is never taken twice. */
  async lock(db: PoolClient, workspaceId: string, name: string): Promise<LockedAgent | undefined> {
    const { rows } = await db.query<{ context_version: number; status: string; definition: unknown; context_md: string; source_path: string }>(
      'select context_version, status, definition, context_md, source_path from managed_agents where workspace_id = $1 and name = $2 for update',
      [workspaceId, name],
    );
    const r = rows[0];
    if (!r) return undefined;
    const definition = AgentDefinitionSchema.safeParse(r.definition);
    return { version: r.context_version, status: r.status, definition: definition.success ? definition.data : null, contextMd: r.context_md, sourcePath: r.source_path };
  }

  async insert(db: PoolClient, workspaceId: string, name: string, v: NewVersion): Promise<void> {
    await db.query(
      `insert into agent_versions (workspace_id, agent_name, version, context_md, definition, content_hash, author_type, author, message, restored_from)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [workspaceId, name, v.version, v.contextMd, JSON.stringify(v.definition), v.contentHash, v.authorType, v.author, v.message, v.restoredFrom],
    );
  }

  /** Makes `v` the agent's current content (the registry mirror then finds its own hash). */
  async applyToAgent(db: PoolClient, workspaceId: string, name: string, v: NewVersion): Promise<void> {
    const d = v.definition;
    await db.query(
      `update managed_agents set title = $3, department = $4, agent_type = $5, description = $6, capabilities = $7, definition = $8,
              context_md = $9, context_version = $10, content_hash = $11, status = 'active', load_error = null
        where workspace_id = $1 and name = $2`,
      [workspaceId, name, d.title, d.department, d.type, d.description, d.capabilities, JSON.stringify(d), v.contextMd, v.version, v.contentHash],
    );
  }

  /** A deployed agent's first row; hierarchy and availability follow from the registry mirror. */
  async insertAgent(db: PoolClient, workspaceId: string, sourcePath: string, v: NewVersion): Promise<void> {
    const d = v.definition;
    await db.query(
      `insert into managed_agents (workspace_id, name, title, department, agent_type, description, capabilities, definition, context_md, context_version, content_hash, source_path, status)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'active')`,
      [workspaceId, d.name, d.title, d.department, d.type, d.description, d.capabilities, JSON.stringify(d), v.contextMd, v.version, v.contentHash, sourcePath],
    );
  }

  async exists(workspaceId: string, name: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('select 1 from managed_agents where workspace_id = $1 and name = $2', [workspaceId, name]);
    return rowCount === 1;
  }

  async get(workspaceId: string, name: string, version: number, db: Db = this.pool): Promise<AgentVersion | undefined> {
    const { rows } = await db.query<VersionRow>(
      `select ${SUMMARY}, context_md, definition from agent_versions where workspace_id = $1 and agent_name = $2 and version = $3`,
      [workspaceId, name, version],
    );
    const r = rows[0];
    if (!r) return undefined;
    return { ...toSummary(r), contextMd: r.context_md ?? '', definition: AgentDefinitionSchema.parse(r.definition) };
  }

  /** Newest first; the cursor is the last version of the previous page. */
  async page(workspaceId: string, name: string, limit: number, cursor: string | undefined): Promise<AgentVersionPage> {
    const before = cursor === undefined ? null : decodeVersionCursor(cursor);
    const { rows } = await this.pool.query<VersionRow>(
      `select ${SUMMARY} from agent_versions where workspace_id = $1 and agent_name = $2 and ($3::int is null or version < $3)
        order by version desc limit $4`,
      [workspaceId, name, before, limit + 1],
    );
    const page = rows.slice(0, limit).map(toSummary);
    return { versions: page, nextCursor: rows.length > limit ? encodeVersionCursor(page.at(-1)!.version) : null };
  }

  /** How a person is named in the history ("Ada Lovelace"), falling back to the id. */
  async userName(userId: string): Promise<string> {
    const { rows } = await this.pool.query<{ display_name: string | null; email: string | null }>('select display_name, email from users where id = $1', [userId]);
    return rows[0]?.display_name || rows[0]?.email || userId;
  }
}

function toSummary(r: VersionRow): AgentVersionSummary {
  return {
    version: r.version,
    authorType: r.author_type,
    author: r.author,
    message: r.message,
    restoredFrom: r.restored_from,
    contentHash: r.content_hash,
    createdAt: r.created_at.toISOString(),
  };
}

const encodeVersionCursor = (version: number): string => Buffer.from(`v${version}`).toString('base64url');

function decodeVersionCursor(cursor: string): number {
  const match = /^v([1-9][0-9]{0,8})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AppError('request/invalid', 'Invalid query: cursor: not a cursor returned by this API', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  return Number(match[1]);
}
