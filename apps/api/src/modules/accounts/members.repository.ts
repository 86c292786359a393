import { Inject, Injectable } from '@nestjs/common';
import type { Member, Role, WorkspaceMembership } from '@orchestrator/contracts';
import { acrossWorkspaces, type Pool, type PoolClient } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

type Db = Pool | PoolClient;

interface MemberRow {
  user_id: string;
  email: string;
  display_name: string;
  role: Role;
  created_at: Date;
}
const toMember = (r: MemberRow): Member => ({
  userId: r.user_id,
  email: r.email,
  displayName: r.display_name,
  role: r.role,
  joinedAt: r.created_at.toISOString(),
});

/** Workspaces and who belongs to them, with which role: `workspaces` and `memberships`. */
@Injectable()
export class MembersRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The workspaces a person belongs to, oldest membership first: looked up in every workspace. */
  async workspacesOf(userId: string): Promise<WorkspaceMembership[]> {
    const { rows } = await acrossWorkspaces("a person's workspaces", () =>
      this.pool.query<{ id: string; name: string; slug: string; role: Role }>(
        `select w.id, w.name, w.slug, m.role from memberships m join workspaces w on w.id = m.workspace_id
          where m.user_id = $1 order by m.created_at, w.name`,
        [userId],
      ),
    );
    return rows;
  }

  /** A person's role in a workspace, whichever the caller acts in now (signing in, switching). */
  async role(userId: string, workspaceId: string): Promise<Role | undefined> {
    const { rows } = await acrossWorkspaces("a person's role in a workspace", () =>
      this.pool.query<{ role: Role }>('select role from memberships where user_id = $1 and workspace_id = $2', [
        userId,
        workspaceId,
      ]),
    );
    return rows[0]?.role;
  }

  async list(workspaceId: string): Promise<Member[]> {
    const { rows } = await this.pool.query<MemberRow>(
      `select m.user_id, u.email, u.display_name, m.role, m.created_at
         from memberships m join users u on u.id = m.user_id
        where m.workspace_id = $1 order by u.display_name, u.email`,
      [workspaceId],
    );
    return rows.map(toMember);
  }

  /** Adds a member (a member already keeps their role). */
  async add(db: Db, workspaceId: string, userId: string, role: Role): Promise<void> {
    await db.query(`insert into memberships (workspace_id, user_id, role) values ($1, $2, $3) on conflict do nothing`, [
      workspaceId,
      userId,
      role,
    ]);
  }

  /**
   * Changes a role (`null` removes the member), unless it would leave the workspace without an
   * admin. The workspace's memberships are locked so two admins demoting each other take turns.
   */
  async change(
    db: PoolClient,
    workspaceId: string,
    userId: string,
    role: Role | null,
  ): Promise<Member | 'not_found' | 'last_admin' | 'removed'> {
    const { rows } = await db.query<{ user_id: string; role: Role }>(
      'select user_id, role from memberships where workspace_id = $1 order by user_id for update',
      [workspaceId],
    );
    const target = rows.find((r) => r.user_id === userId);
    if (!target) return 'not_found';
    const admins = rows.filter((r) => r.role === 'admin').length;
    if (target.role === 'admin' && role !== 'admin' && admins === 1) return 'last_admin';
    if (role === null) {
      await db.query('delete from memberships where workspace_id = $1 and user_id = $2', [workspaceId, userId]);
      return 'removed';
    }
    await db.query('update memberships set role = $3 where workspace_id = $1 and user_id = $2', [
      workspaceId,
      userId,
      role,
    ]);
    const { rows: member } = await db.query<MemberRow>(
      `select m.user_id, u.email, u.display_name, m.role, m.created_at
         from memberships m join users u on u.id = m.user_id where m.workspace_id = $1 and m.user_id = $2`,
      [workspaceId, userId],
    );
    return toMember(member[0]!);
  }

  /** A new workspace with its creator as admin. */
  async createWorkspace(db: PoolClient, userId: string, name: string, slug: string): Promise<WorkspaceMembership> {
    const { rows } = await db.query<{ id: string }>(
      'insert into workspaces (slug, name) values ($1, $2) returning id',
      [slug, name],
    );
    const id = rows[0]!.id;
    await this.add(db, id, userId, 'admin');
    return { id, name, slug, role: 'admin' };
  }

  async renameWorkspace(
    db: Db,
    workspaceId: string,
    name: string,
  ): Promise<{ id: string; name: string; slug: string }> {
    const { rows } = await db.query<{ id: string; name: string; slug: string }>(
      'update workspaces set name = $2 where id = $1 returning id, name, slug',
      [workspaceId, name],
    );
    return rows[0]!;
  }
}
