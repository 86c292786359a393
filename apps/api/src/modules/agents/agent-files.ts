import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Undoes a write: puts back the files as they were (or removes what did not exist). */
export type RestoreFiles = () => Promise<void>;

/** Temp files start with a dot so the loader and the watcher never take them for content. */
export const isTempFile = (file: string): boolean => path.basename(file).startsWith('.') && file.endsWith('.tmp');

async function writeFileAtomic(file: string, content: string | Buffer): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'w', 0o644);
  try {
    await handle.writeFile(content);
    // Durable before it becomes visible: a crash leaves the old file or the new one, never half.
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/**
 * Writes an agent's files one by one, each atomically (temp file + rename), and returns how to
 * restore the previous state: a save calls it when its database transaction does not commit,
 * so the files and the database never disagree for long.
 */
export async function writeAgentFiles(dir: string, files: Record<string, string>): Promise<RestoreFiles> {
  const dirExisted = await stat(dir).then((s) => s.isDirectory(), () => false);
  await mkdir(dir, { recursive: true });
  const previous: Array<[string, Buffer | null]> = [];
  try {
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      previous.push([file, await readFile(file).catch(() => null)]);
      await writeFileAtomic(file, content);
    }
  } catch (err) {
    await restore(dir, dirExisted, previous);
    throw err;
  }
  return () => restore(dir, dirExisted, previous);
}

async function restore(dir: string, dirExisted: boolean, previous: Array<[string, Buffer | null]>): Promise<void> {
  if (!dirExisted) {
    await rm(dir, { recursive: true, force: true });
    return;
  }
  for (const [file, content] of previous.reverse()) {
    if (content === null) await unlink(file).catch(() => undefined);
    else await writeFileAtomic(file, content);
  }
}

/** The files of an agent folder as they are now (missing ones are undefined). */
export async function readAgentFile(dir: string, name: string): Promise<string | undefined> {
  return readFile(path.join(dir, name), 'utf8').catch(() => undefined);
}
