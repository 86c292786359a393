import { chown, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `file` with `content` so that a crash leaves either the old file or the new one, never
 * a torn one: written beside it, flushed, renamed over it, and the rename flushed too. The new
 * file gets `mode` and, when given, `owner` (a file Postgres reads must stay its OS user's).
 */
export async function replaceFile(
  file: string,
  content: string,
  mode: number,
  owner?: { uid: number; gid: number },
): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(content);
    if (owner) await chown(temporary, owner.uid, owner.gid);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  const folder = await open(path.dirname(file), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
