import { Inject, Injectable } from '@nestjs/common';
import type { ApiToken, ApiTokenListQuery, ApiTokenPage, Role } from '@orchestrator/contracts';
import { withTransaction, type Pool } from '@orchestrator/db';
import { decodeCursor, encodeCursor } from '../../common/cursor.js';
import { PG_POOL } from '../../database/tokens.js';
import { AuditRepository } from '../audit/audit.repository.js';

interface ApiTokenRow {
  id: string;
  name: string;
  prefix: string;
  role_ceiling: Role;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, prefix, role_ceiling, created_at, expires_at, last_used_at, revoked_at';

const toApiToken = (r: ApiTokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  role: r.role_ceiling,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

/** The user and workspace a token belongs to. */
export interface TokenOwner {
  workspaceId: string;
  userId: string;
}

export interface NewTokenRow {
  name: string;
  prefix: string;
  secretHash: Buffer;
  role: Role;
  expiresInDays: number;
  /** The latest it may expire (the expiry of the token creating it). */
  notAfter?: Date;
}

/** A token that may act now: not revoked, not expired, its user still a member of its workspace. */
export interface ActiveToken extends TokenOwner {
  id: string;
  secretHash: Buffer;
  ceiling: Role;
  memberRole: Role;
  expiresAt: Date;
  /** last_used_at is unset or more than a minute old. */
  useIsStale: boolean;
}

@Injectable()
export class ApiTokensRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly audit: AuditRepository,
  ) {}

  /** Stores the token and its audit entry together; undefined when another token already has the prefix. */
  async create(owner: TokenOwner, token: NewTokenRow): Promise<ApiToken | undefined> {
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<ApiTokenRow>(
        `insert into api_tokens (workspace_id, user_id, name, prefix, secret_hash, role_ceiling, expires_at)
         values ($1, $2, $3, $4, $5, $6,
                 least(now() + make_interval(days => $7), coalesce($8::timestamptz, 'infinity')))
         on conflict (prefix) do nothing
         returning ${COLUMNS}`,
        [
          owner.workspaceId,
          owner.userId,
          token.name,
          token.prefix,
          token.secretHash,
          token.role,
          token.expiresInDays,
          token.notAfter ?? null,
        ],
      );
      const row = rows[0];
      if (!row) return undefined;
      await this.audit.append(db, [
        {
          workspaceId: owner.workspaceId,
          actorType: 'user',
          actor: owner.userId,
          action: 'api_token.created',
          targetType: 'api_token',
          targetId: row.id,
          mode: 'manual',
          result: 'success',
          details: { name: row.name, prefix: row.prefix, role: row.role_ceiling, expiresAt: row.expires_at },
        },
      ]);
      return toApiToken(row);
    });
  }

  /** The owner's tokens, newest first, keyset-paginated on (created_at, id). */
  async list(owner: TokenOwner, query: ApiTokenListQuery): Promise<ApiTokenPage> {
    const params: unknown[] = [owner.workspaceId, owner.userId, query.limit + 1];
    let after = '';
    if (query.cursor) {
      params.push(...decodeCursor(query.cursor));
      after = 'and (created_at, id) < ($4::timestamptz, $5::uuid)';
    }
    const { rows } = await this.pool.query<ApiTokenRow>(
      `select ${COLUMNS} from api_tokens
        where workspace_id = $1 and user_id = $2 ${after}
        order by created_at desc, id desc limit $3`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      tokens: page.map(toApiToken),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  /**
   * Revokes one of the owner's tokens, with its audit entry; revoking it again changes nothing.
   * False when the owner has no such token.
   */
  async revoke(owner: TokenOwner, id: string): Promise<boolean> {
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<{ name: string; prefix: string }>(
        `update api_tokens set revoked_at = now()
          where id = $1 and workspace_id = $2 and user_id = $3 and revoked_at is null
          returning name, prefix`,
        [id, owner.workspaceId, owner.userId],
      );
      const revoked = rows[0];
      if (!revoked) {
        const { rowCount } = await db.query(
          'select 1 from api_tokens where id = $1 and workspace_id = $2 and user_id = $3',
          [id, owner.workspaceId, owner.userId],
        );
        return rowCount === 1;
      }
      await this.audit.append(db, [
        {
          workspaceId: owner.workspaceId,
          actorType: 'user',
          actor: owner.userId,
          action: 'api_token.revoked',
          targetType: 'api_token',
          targetId: id,
          mode: 'manual',
          result: 'success',
          details: { name: revoked.name, prefix: revoked.prefix },
        },
      ]);
      return true;
    });
  }

  async findActive(prefix: string): Promise<ActiveToken | undefined> {
    const { rows } = await this.pool.query<{
      id: string;
      workspace_id: string;
      user_id: string;
      secret_hash: Buffer;
      role_ceiling: Role;
      member_role: Role;
      expires_at: Date;
      use_is_stale: boolean;
    }>(
      `select t.id, t.workspace_id, t.user_id, t.secret_hash, t.role_ceiling, m.role as member_role, t.expires_at,
              (t.last_used_at is null or t.last_used_at < now() - interval '1 minute') as use_is_stale
         from api_tokens t
         join memberships m on m.workspace_id = t.workspace_id and m.user_id = t.user_id
        where t.prefix = $1 and t.revoked_at is null and t.expires_at > now()`,
      [prefix],
    );
    const r = rows[0];
    return (
      r && {
        id: r.id,
        workspaceId: r.workspace_id,
        userId: r.user_id,
        secretHash: r.secret_hash,
        ceiling: r.role_ceiling,
        memberRole: r.member_role,
        expiresAt: r.expires_at,
        useIsStale: r.use_is_stale,
      }
    );
  }

  /** Sets last_used_at unless a concurrent request just did (at most one write a minute per token). */
  async markUsed(id: string): Promise<void> {
    await this.pool.query(
      `update api_tokens set last_used_at = now()
        where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }
}
