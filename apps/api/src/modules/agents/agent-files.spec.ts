import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTempFile, writeAgentFiles } from './agent-files.js';

describe('writeAgentFiles', () => {
  it('should replace the files and leave no temp file behind when the write succeeds', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'agent-files-'));
    await writeFile(path.join(dir, 'Context.md'), 'old');
    await writeAgentFiles(dir, { 'Context.md': 'new', 'agent.yaml': 'name: x' });
    expect(await readFile(path.join(dir, 'Context.md'), 'utf8')).toBe('new');
    expect((await readdir(dir)).sort()).toEqual(['Context.md', 'agent.yaml']);
  });

  it('should put back old contents and remove new files when restored', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'agent-files-'));
    await writeFile(path.join(dir, 'Context.md'), 'old');
    const restore = await writeAgentFiles(dir, { 'Context.md': 'new', 'index.ts': 'export default {}' });
    await restore();
    expect(await readFile(path.join(dir, 'Context.md'), 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['Context.md']);
  });

  it('should remove a folder it created when restored', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'agent-files-'));
    const restore = await writeAgentFiles(path.join(parent, 'ops', 'new_agent'), { 'Context.md': 'x' });
    await restore();
    expect(await readdir(path.join(parent, 'ops'))).toEqual([]);
  });

  it('should recognise its temp files by name', () => {
    expect(isTempFile('/a/.Context.md.0a1b2c.tmp')).toBe(true);
    expect(isTempFile('/a/Context.md')).toBe(false);
  });
});
