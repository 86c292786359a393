import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

export interface SessionRow {
  id: string;
  userId: string;
  workspaceId: string | null;
  rotatedAt: Date;
  /** Found by the token before the last rotation (within its grace period). */
  previous: boolean;
}

/** The `sessions` table: one row per signed-in browser. */
@Injectable()
export class SessionsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async create(
    db: Pool | PoolClient,
    s: { userId: string; workspaceId: string | null; tokenHash: Buffer; ttlMs: number; userAgent: string | null },
  ): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `insert into sessions (user_id, workspace_id, token_hash, expires_at, user_agent)
       values ($1, $2, $3, now() + make_interval(secs => $4 / 1000.0), left($5, 500)) returning id`,
      [s.userId, s.workspaceId, s.tokenHash, s.ttlMs, s.userAgent],
    );
    return rows[0]!.id;
  }

  /** The live session a token opens: not revoked, not expired, its current or just-rotated token. */
  async find(tokenHash: Buffer): Promise<SessionRow | undefined> {
    const { rows } = await this.pool.query<{
      id: string;
      user_id: string;
      workspace_id: string | null;
      rotated_at: Date;
      previous: boolean;
    }>(
      `select id, user_id, workspace_id, rotated_at, token_hash <> $1 as previous
         from sessions
        where revoked_at is null and expires_at > now()
          and (token_hash = $1 or (previous_token_hash = $1 and previous_valid_until > now()))`,
      [tokenHash],
    );
    const r = rows[0];
    return (
      r && { id: r.id, userId: r.user_id, workspaceId: r.workspace_id, rotatedAt: r.rotated_at, previous: r.previous }
    );
  }

  /** A new token for the session (the old one keeps working for `graceMs`); false if it ended meanwhile. */
  async rotate(id: string, tokenHash: Buffer, ttlMs: number, graceMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update sessions
          set previous_token_hash = token_hash,
              previous_valid_until = now() + make_interval(secs => $4 / 1000.0),
              token_hash = $2, rotated_at = now(), expires_at = now() + make_interval(secs => $3 / 1000.0)
        where id = $1 and revoked_at is null`,
      [id, tokenHash, ttlMs, graceMs],
    );
    return rowCount === 1;
  }

  async setWorkspace(id: string, workspaceId: string, db: Pool | PoolClient = this.pool): Promise<void> {
    await db.query('update sessions set workspace_id = $2 where id = $1', [id, workspaceId]);
  }

  async revoke(id: string, db: Pool | PoolClient = this.pool): Promise<void> {
    await db.query('update sessions set revoked_at = now() where id = $1 and revoked_at is null', [id]);
  }

  /** Ends every session of a person (but `keep`); returns the ended ids, to close their sockets. */
  async revokeForUser(db: Pool | PoolClient, userId: string, keep?: string): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `update sessions set revoked_at = now()
        where user_id = $1 and revoked_at is null and ($2::uuid is null or id <> $2::uuid) returning id`,
      [userId, keep ?? null],
    );
    return rows.map((r) => r.id);
  }
}
