import { Injectable } from '@nestjs/common';
import type { Role } from '@orchestrator/contracts';
import type { Pool, PoolClient } from '@orchestrator/db';
import { parseCookie } from 'cookie';
import type { Request, Response } from 'express';
import { MembersRepository } from './members.repository.js';
import { newSecret, secretHash } from './secrets.js';
import { SessionsRepository } from './sessions.repository.js';

export const SESSION_COOKIE = 'orch_session';
/** A session ends after two weeks without use; each day of use renews it with a new token. */
const SESSION_TTL_MS = 14 * 24 * 3_600_000;
const ROTATE_AFTER_MS = 24 * 3_600_000;
/** How long the token before a rotation still opens the session (requests already on their way). */
const ROTATION_GRACE_MS = 60_000;

/** Who a session cookie signs in, acting in which workspace with which role. */
export interface SessionIdentity {
  sessionId: string;
  userId: string;
  workspaceId: string;
  role: Role;
}

/**
 * Sessions in an httpOnly, SameSite=Lax cookie holding a random token (only its hash is stored):
 * opened at sign-in, rotated daily while used, ended by sign-out, a password change or reset.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly members: MembersRepository,
  ) {}

  /** Opens a session and sets its cookie on `res`. */
  async open(
    db: Pool | PoolClient,
    req: Request,
    res: Response,
    userId: string,
    workspaceId: string | null,
  ): Promise<string> {
    const token = newSecret();
    const id = await this.sessions.create(db, {
      userId,
      workspaceId,
      tokenHash: secretHash(token),
      ttlMs: SESSION_TTL_MS,
      userAgent: req.headers['user-agent'] ?? null,
    });
    setSessionCookie(req, res, token);
    return id;
  }

  /**
   * The identity a request's session cookie carries, renewing the cookie on `res` when due;
   * undefined without a live session or a workspace to act in.
   */
  async resolve(req: Request, res: Response): Promise<SessionIdentity | undefined> {
    const token = parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE];
    if (!token) return undefined;
    const session = await this.sessions.find(secretHash(token));
    if (!session) return undefined;
    const identity = await this.identity(session.id, session.userId, session.workspaceId);
    if (identity && !session.previous && Date.now() - session.rotatedAt.getTime() > ROTATE_AFTER_MS) {
      const next = newSecret();
      if (await this.sessions.rotate(session.id, secretHash(next), SESSION_TTL_MS, ROTATION_GRACE_MS))
        setSessionCookie(req, res, next);
    }
    return identity;
  }

  /** The same for a socket handshake: no rotation (there is no response to carry a cookie). */
  async resolveHandshake(cookieHeader: string | undefined): Promise<SessionIdentity | undefined> {
    const token = parseCookie(cookieHeader ?? '')[SESSION_COOKIE];
    const session = token ? await this.sessions.find(secretHash(token)) : undefined;
    return session && this.identity(session.id, session.userId, session.workspaceId);
  }

  /** The session's workspace if its person still belongs to it, else their first one. */
  private async identity(
    sessionId: string,
    userId: string,
    workspaceId: string | null,
  ): Promise<SessionIdentity | undefined> {
    const role = workspaceId ? await this.members.role(userId, workspaceId) : undefined;
    if (workspaceId && role) return { sessionId, userId, workspaceId, role };
    const first = (await this.members.workspacesOf(userId))[0];
    if (!first) return undefined;
    await this.sessions.setWorkspace(sessionId, first.id);
    return { sessionId, userId, workspaceId: first.id, role: first.role };
  }
}

function setSessionCookie(req: Request, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    path: '/',
    maxAge: SESSION_TTL_MS,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}
