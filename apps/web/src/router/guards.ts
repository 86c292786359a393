import type { SessionInfo } from '@orchestrator/contracts';
import type { RouteLocationRaw, RouteLocationResolved, Router } from 'vue-router';
import { onSessionExpired } from '../api';
import type { useSessionStore } from '../stores/session';
import { safeNext } from '../utils/navigation';

type SessionStore = ReturnType<typeof useSessionStore>;

const HOME: RouteLocationRaw = { name: 'workspace' };

/** What the guard reads of a destination (a navigation's target or a resolved link). */
type Destination = Pick<RouteLocationResolved, 'name' | 'fullPath' | 'query' | 'meta'>;

function loginFor(to: Destination): RouteLocationRaw {
  return to.fullPath === '/' ? { name: 'login' } : { name: 'login', query: { next: to.fullPath } };
}

/**
 * Where a navigation may go given the session (docs/security.md, modes): local mode has no login
 * at all; authenticated mode sends everyone to setup until the owner exists, and whoever is not
 * signed in to the login page, remembering where they were going.
 */
export function access(to: Destination, info: SessionInfo | null): true | RouteLocationRaw {
  // The session could not be read: the app shows that, with a retry, on any page.
  if (!info) return true;
  if (info.mode === 'local') return to.meta.authenticatedOnly ? HOME : true;
  if (info.setupRequired) return to.name === 'setup' ? true : { name: 'setup' };
  const signedIn = info.user !== null;
  if (to.name === 'setup') return signedIn ? HOME : { name: 'login' };
  if (!signedIn) return to.meta.public ? true : loginFor(to);
  if (to.name === 'login') return safeNext(to.query['next']) ?? HOME;
  return true;
}

/** Checks every navigation against the session, and sends the person to sign in again when it expires. */
export function installAuthGuards(router: Router, session: SessionStore): () => void {
  const removeGuard = router.beforeEach(async (to) => {
    await session.load();
    return access(to, session.info);
  });
  const stopListening = onSessionExpired(() => {
    const wasIn = session.signedIn;
    session.expire();
    const here = router.currentRoute.value;
    if (wasIn && !here.meta.public) void router.push(loginFor(here));
  });
  return () => {
    removeGuard();
    stopListening();
  };
}
