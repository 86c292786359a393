/**
 * Opens `path` as a new page load, so every store and the socket start over as whoever is now
 * signed in, in the workspace now current: after signing in or out and switching workspace,
 * nothing of the previous person's or workspace's data stays in memory.
 */
export function reloadAt(path: string): void {
  window.location.assign(path);
}

/**
 * Where to go after signing in: a path within this app only, never another site (`//evil.example`
 * or `/\evil.example` are read by browsers as other hosts), and never back to the login page.
 */
export function safeNext(raw: unknown): string | null {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return null;
  if (value === '/login' || value.startsWith('/login?')) return null;
  return value;
}
