import type { TestDatabase } from '@orchestrator/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from './harness.js';
import { startServerProcess, stopProcess, type ServerProcess } from './server-process.js';

// What `npm start` prints when its output is not a terminal (CI, systemd, Docker): JSON lines at
// the default level, without Nest's start-up narration, then the line saying where to open the app.

const READY = /^Orchestrator is ready: open http:\/\/\S+$/;
/** Time for anything printed after the ready line to arrive, were there any. */
const SETTLE_MS = 1000;

interface LogLine {
  level: number;
  msg: string;
  context?: string;
}

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** The real server with stdout a pipe and no logging variables set; its output once settled. */
async function startOutput(env: Record<string, string | undefined> = {}): Promise<string[]> {
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess({ DATABASE_URL: db.url, LOG_LEVEL: undefined, LOG_PRETTY: undefined, ...env });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return server.output().split('\n').filter(Boolean);
  } finally {
    if (server) await stopProcess(server.child);
  }
}

const parsed = (lines: string[]) => lines.filter((l) => !READY.test(l)).map((l) => JSON.parse(l) as LogLine);

describe('start-up output', () => {
  it('should print JSON lines without route mapping, the ready line last, when stdout is not a terminal', async () => {
    const lines = await startOutput();

    expect(lines.at(-1)).toMatch(READY);
    expect(lines.filter((l) => READY.test(l))).toHaveLength(1);
    const logs = parsed(lines);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((l) => l.level >= 30)).toBe(true);
    expect(logs.some((l) => l.msg.startsWith('Mapped {'))).toBe(false);
    expect(logs.some((l) => l.context === 'InstanceLoader' || l.context === 'RoutesResolver')).toBe(false);
    // Start-up says what matters and no more: a handful of lines, not one per route.
    expect(logs.length).toBeLessThan(15);
  });

  it('should log the route mapping at debug when LOG_LEVEL=debug', async () => {
    const logs = parsed(await startOutput({ LOG_LEVEL: 'debug' }));

    const mapped = logs.filter((l) => l.msg.startsWith('Mapped {'));
    expect(mapped.length).toBeGreaterThan(20);
    expect(mapped.every((l) => l.level === 20 && l.context === 'RouterExplorer')).toBe(true);
  });
});
