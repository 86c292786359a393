import { Inject, Injectable } from '@nestjs/common';
import type { User } from '@orchestrator/contracts';
import type { Pool, PoolClient } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

type Db = Pool | PoolClient;

/** People and their credentials: `users` as accounts, `user_passwords`, `password_resets`. */
@Injectable()
export class AccountsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Before anyone has a password, authenticated mode waits for its first-run setup. */
  async setupRequired(): Promise<boolean> {
    const { rows } = await this.pool.query<{ required: boolean }>(
      'select not exists (select 1 from user_passwords) as required',
    );
    return rows[0]!.required;
  }

  /**
   * First run: the seeded owner (supabase/seed.sql) becomes the person setting up, with their
   * email, name and password, and the default workspace their name for it. Undefined when someone
   * set up first: the table lock makes two concurrent setups take turns.
   */
  async setUp(
    db: PoolClient,
    s: { email: string; displayName: string; hash: string; workspaceName?: string },
  ): Promise<{ userId: string; workspaceId: string } | undefined> {
    await db.query('lock table user_passwords in exclusive mode');
    const { rows: taken } = await db.query('select 1 from user_passwords limit 1');
    if (taken.length) return undefined;
    const { rows } = await db.query<{ user_id: string; workspace_id: string }>(
      `select u.id as user_id, w.id as workspace_id
         from workspaces w join memberships m on m.workspace_id = w.id join users u on u.id = m.user_id
        where w.slug = 'default' and u.email = 'owner@localhost' and m.role = 'admin'`,
    );
    const owner = rows[0];
    if (!owner) throw new Error('The seeded owner is missing: supabase/seed.sql did not run.');
    await db.query('update users set email = $2, display_name = $3 where id = $1', [
      owner.user_id,
      s.email,
      s.displayName,
    ]);
    await db.query('insert into user_passwords (user_id, hash) values ($1, $2)', [owner.user_id, s.hash]);
    if (s.workspaceName)
      await db.query('update workspaces set name = $2 where id = $1', [owner.workspace_id, s.workspaceName]);
    return { userId: owner.user_id, workspaceId: owner.workspace_id };
  }

  async user(userId: string): Promise<User | undefined> {
    const { rows } = await this.pool.query<{ id: string; email: string; display_name: string }>(
      'select id, email, display_name from users where id = $1',
      [userId],
    );
    const r = rows[0];
    return r && { id: r.id, email: r.email, displayName: r.display_name };
  }

  /** The account an email names and its password hash (if it has one). */
  async credentials(email: string): Promise<{ userId: string; hash: string | undefined } | undefined> {
    const { rows } = await this.pool.query<{ id: string; hash: string | null }>(
      `select u.id, p.hash from users u left join user_passwords p on p.user_id = u.id where u.email = $1`,
      [email],
    );
    const r = rows[0];
    return r && { userId: r.id, hash: r.hash ?? undefined };
  }

  async passwordHash(userId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ hash: string }>('select hash from user_passwords where user_id = $1', [
      userId,
    ]);
    return rows[0]?.hash;
  }

  async setPassword(db: Db, userId: string, hash: string): Promise<void> {
    await db.query(
      `insert into user_passwords (user_id, hash) values ($1, $2)
       on conflict (user_id) do update set hash = excluded.hash, updated_at = now()`,
      [userId, hash],
    );
  }

  async createUser(db: Db, email: string, displayName: string): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      'insert into users (email, display_name) values ($1, $2) returning id',
      [email, displayName],
    );
    return rows[0]!.id;
  }

  /** The account a Supabase user is linked to (docs/security.md#supabase-auth). */
  async bySubject(subject: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ id: string }>('select id from users where auth_subject = $1', [subject]);
    return rows[0]?.id;
  }

  /**
   * Links the account of `email` to a Supabase user, unless it is linked to another one or the
   * instance awaits its first-run setup (the seeded owner is claimed by setup only). Linking it
   * again to the same user is a no-op, so two first requests at once both succeed.
   */
  async linkSubject(email: string, subject: string): Promise<string | undefined> {
    try {
      const { rows } = await this.pool.query<{ id: string }>(
        `update users set auth_subject = $2
          where email = $1 and (auth_subject is null or auth_subject = $2)
            and exists (select 1 from user_passwords)
          returning id`,
        [email, subject],
      );
      return rows[0]?.id;
    } catch (err) {
      // The subject was just linked to another account (its email changed meanwhile): refused.
      if ((err as { code?: unknown } | null)?.code === '23505') return undefined;
      throw err;
    }
  }

  async createReset(
    db: PoolClient,
    userId: string,
    tokenHash: Buffer,
    createdBy: string,
    ttlMs: number,
  ): Promise<Date> {
    const { rows } = await db.query<{ expires_at: Date }>(
      `insert into password_resets (user_id, token_hash, created_by, expires_at)
       values ($1, $2, $3, now() + make_interval(secs => $4 / 1000.0)) returning expires_at`,
      [userId, tokenHash, createdBy, ttlMs],
    );
    return rows[0]!.expires_at;
  }

  /** Takes a reset link once: the person it is for, or undefined when unknown, used or expired. */
  async useReset(db: PoolClient, tokenHash: Buffer): Promise<string | undefined> {
    const { rows } = await db.query<{ user_id: string }>(
      `update password_resets set used_at = now()
        where token_hash = $1 and used_at is null and expires_at > now() returning user_id`,
      [tokenHash],
    );
    return rows[0]?.user_id;
  }
}
