import { Inject, Injectable } from '@nestjs/common';
import type { Invitation, Role } from '@orchestrator/contracts';
import type { Pool, PoolClient } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

interface InvitationRow {
  id: string;
  workspace_id: string;
  workspace_name: string;
  email: string;
  role: Role;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
}
const SELECT = `select i.id, i.workspace_id, w.name as workspace_name, i.email, i.role,
                       u.display_name as invited_by, i.created_at, i.expires_at
                  from invitations i join users u on u.id = i.invited_by join workspaces w on w.id = i.workspace_id`;
const OPEN = 'i.accepted_at is null and i.revoked_at is null and i.expires_at > now()';
const toInvitation = (r: InvitationRow): Invitation => ({
  id: r.id,
  email: r.email,
  role: r.role,
  invitedBy: r.invited_by,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at.toISOString(),
});

export type OpenInvitation = Invitation & { workspaceId: string; workspaceName: string };

/** Invitations to a workspace: a link (stored as its hash) for one email and role, taken once. */
@Injectable()
export class InvitationsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** A new invitation; an open one for the same email in the workspace is withdrawn with it. */
  async create(
    db: PoolClient,
    i: { workspaceId: string; email: string; role: Role; tokenHash: Buffer; invitedBy: string; ttlMs: number },
  ): Promise<Invitation> {
    await db.query(
      `update invitations set revoked_at = now()
        where workspace_id = $1 and email = $2 and accepted_at is null and revoked_at is null`,
      [i.workspaceId, i.email],
    );
    const { rows } = await db.query<{ id: string }>(
      `insert into invitations (workspace_id, email, role, token_hash, invited_by, expires_at)
       values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6 / 1000.0)) returning id`,
      [i.workspaceId, i.email, i.role, i.tokenHash, i.invitedBy, i.ttlMs],
    );
    const { rows: created } = await db.query<InvitationRow>(`${SELECT} where i.id = $1`, [rows[0]!.id]);
    return toInvitation(created[0]!);
  }

  async listOpen(workspaceId: string): Promise<Invitation[]> {
    const { rows } = await this.pool.query<InvitationRow>(
      `${SELECT} where i.workspace_id = $1 and ${OPEN} order by i.created_at desc`,
      [workspaceId],
    );
    return rows.map(toInvitation);
  }

  /** Withdraws an open invitation of the workspace; false when there is none. */
  async revoke(db: Pool | PoolClient, workspaceId: string, id: string): Promise<boolean> {
    const { rowCount } = await db.query(
      `update invitations i set revoked_at = now() where i.workspace_id = $1 and i.id = $2 and ${OPEN}`,
      [workspaceId, id],
    );
    return rowCount === 1;
  }

  /** The open invitation a link names; `forUpdate` locks it for its acceptance. */
  async findOpen(db: Pool | PoolClient, tokenHash: Buffer, forUpdate = false): Promise<OpenInvitation | undefined> {
    const { rows } = await db.query<InvitationRow>(
      `${SELECT} where i.token_hash = $1 and ${OPEN}${forUpdate ? ' for update of i' : ''}`,
      [tokenHash],
    );
    const r = rows[0];
    return r && { ...toInvitation(r), workspaceId: r.workspace_id, workspaceName: r.workspace_name };
  }

  async markAccepted(db: PoolClient, id: string, userId: string): Promise<void> {
    await db.query('update invitations set accepted_at = now(), accepted_by = $2 where id = $1', [id, userId]);
  }
}
