import type { Request } from 'express';

/**
 * The address people reach the app at, for links it hands out: PUBLIC_URL, else the origin of
 * the request asking (its Host header has passed the host check).
 */
export function appUrl(publicUrl: string | undefined, req: Request, path: string): string {
  const base = publicUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;
  return new URL(path, base.endsWith('/') ? base : `${base}/`).toString();
}
