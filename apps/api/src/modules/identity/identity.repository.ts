import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';
import type { RequestContext, Role } from '../../common/request-context.js';

export interface IdentityNames {
  workspaceName: string;
  displayName: string;
}

export interface Identity extends RequestContext, IdentityNames {}

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

  /** The names of a member and of the workspace; undefined when the user is not a member of it. */
  async findNames(workspaceId: string, userId: string): Promise<IdentityNames | undefined> {
    const { rows } = await this.pool.query<{ workspace_name: string; display_name: string }>(
      `select w.name as workspace_name, u.display_name
         from memberships m
         join workspaces w on w.id = m.workspace_id
         join users u on u.id = m.user_id
        where m.workspace_id = $1 and m.user_id = $2`,
      [workspaceId, userId],
    );
    const r = rows[0];
    return r && { workspaceName: r.workspace_name, displayName: r.display_name };
  }
}
