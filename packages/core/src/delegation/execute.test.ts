import { beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_PROVIDER } from '../llm/provider.js';
import { SHIPPED_AGENTS_DIR } from '../testing/fixtures.js';
import { loadShippedWorkforce, type Workforce } from '../testing/facade-harness.js';
import { executeAgent, type AgentRuntimeDeps } from './execute.js';

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

const TASK = 'Calculate the ROI of a 120k tool that saves 8k a month over 3 years';
const context = {
  usage: { workspaceId: 'ws' },
  delegatedBy: 'a test',
};

async function run(streamOutput?: boolean) {
  const written: unknown[] = [];
  const deps: AgentRuntimeDeps = {
    agentsDir: SHIPPED_AGENTS_DIR,
    llm: OFFLINE_PROVIDER,
    usage: { record: async () => undefined },
    chunkDelayMs: 0,
    ...(streamOutput === undefined ? {} : { streamOutput }),
  };
  const agent = workforce.registry.get('roi_calculator')!;
  const outcome = await executeAgent(deps, { writer: (chunk) => written.push(chunk) }, agent, TASK, context);
  return { outcome, written };
}

describe('executeAgent', () => {
  it('should stream the output in chunks when someone reads it as it comes', async () => {
    const { outcome, written } = await run();
    expect(outcome.kind).toBe('done');
    expect(written.length).toBeGreaterThan(5);
  });

  it('should not cut the output into chunks and keep the header and body apart when nobody streams it', async () => {
    const { outcome, written } = await run(false);
    expect(written).toEqual([]);
    if (outcome.kind !== 'done') throw new Error('expected a result');
    expect(outcome.parts).toHaveLength(2);
    expect(outcome.parts[0]).toMatch(/^\*\*.+\*\* \(`roi_calculator`\):\n\n$/);
    expect(outcome.text).toBe(outcome.parts.join(''));
  });
});
