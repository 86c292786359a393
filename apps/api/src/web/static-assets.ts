import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * The web build's files under /assets are named by their content hash: a new build gives them
 * new names, so browsers may keep them for a year without asking again. Everything else
 * (index.html, the favicon) is checked with the server on each load.
 */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** Cache-Control for a file of the web build, by its path. */
export function cacheControlFor(filePath: string): string {
  return filePath.split(path.sep).includes('assets') ? IMMUTABLE : REVALIDATE;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
const SUFFIX: Record<string, string> = { br: '.br', gzip: '.gz' };

async function fileStats(file: string): Promise<Stats | null> {
  try {
    const stats = await stat(file);
    return stats.isFile() ? stats : null;
  } catch {
    return null;
  }
}

/**
 * Serves the brotli or gzip copy the web build wrote beside each text asset (apps/web's
 * `precompress` plugin), when the browser accepts it: compressed once at build time at the
 * highest level, nothing to compress per request. Anything else falls through to the static
 * files handler. Mounted at /assets, over `dir` (the build's assets folder).
 */
export function precompressedAssets(dir: string): RequestHandler {
  const root = path.resolve(dir);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const type = TYPES[path.extname(req.path)];
    if (!type) return next();
    let relative: string;
    try {
      relative = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    const file = path.join(root, relative);
    if (!file.startsWith(root + path.sep)) return next();
    // Brotli when accepted at all (browsers list it last, with gzip at the same weight): smaller.
    const encoding =
      req.acceptsEncodings('br') === 'br' ? 'br' : req.acceptsEncodings('gzip') === 'gzip' ? 'gzip' : null;
    if (!encoding) return next();
    void (async () => {
      const compressed = `${file}${SUFFIX[encoding]}`;
      const stats = await fileStats(compressed);
      if (!stats) return next();
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Encoding', encoding);
      res.setHeader('Content-Length', String(stats.size));
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Cache-Control', IMMUTABLE);
      res.setHeader('Last-Modified', stats.mtime.toUTCString());
      if (req.method === 'HEAD') return void res.end();
      createReadStream(compressed)
        .on('error', (err) => (res.headersSent ? res.destroy(err) : next(err)))
        .pipe(res);
    })().catch(next);
  };
}
