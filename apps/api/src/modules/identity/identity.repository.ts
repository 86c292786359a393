import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';
import type { RequestContext, Role } from '../../common/request-context.js';

export interface Identity extends RequestContext {
  workspaceName: string;
  displayName: string;
}

@Injectable()
export class IdentityRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The default workspace (`supabase/seed.sql`) and its first admin: everyone, in local mode. */
  async findDefaultOwner(): Promise<Identity | undefined> {
    const { rows } = await this.pool.query<{
      workspace_id: string;
      workspace_name: string;
      user_id: string;
      display_name: string;
      role: Role;
    }>(
      `select w.id as workspace_id, w.name as workspace_name, u.id as user_id, u.display_name, m.role
         from workspaces w
         join memberships m on m.workspace_id = w.id
         join users u on u.id = m.user_id
        where w.slug = 'default' and m.role = 'admin'
        order by m.created_at, u.created_at
        limit 1`,
    );
    const r = rows[0];
    return (
      r && {
        workspaceId: r.workspace_id,
        workspaceName: r.workspace_name,
        userId: r.user_id,
        displayName: r.display_name,
        role: r.role,
      }
    );
  }

  /** The names a person and their workspace show with. */
  async names(userId: string, workspaceId: string): Promise<{ displayName: string; workspaceName: string }> {
    const { rows } = await this.pool.query<{ display_name: string; workspace_name: string }>(
      `select u.display_name, w.name as workspace_name from users u, workspaces w where u.id = $1 and w.id = $2`,
      [userId, workspaceId],
    );
    return { displayName: rows[0]?.display_name ?? '', workspaceName: rows[0]?.workspace_name ?? '' };
  }
}
