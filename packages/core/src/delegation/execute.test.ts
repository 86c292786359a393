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

async function run(name = 'roi_calculator') {
  const written: unknown[] = [];
  const deps: AgentRuntimeDeps = {
    agentsDir: SHIPPED_AGENTS_DIR,
    llm: OFFLINE_PROVIDER,
    usage: { record: async () => undefined },
  };
  const agent = workforce.registry.get(name)!;
  const outcome = await executeAgent(deps, { writer: (chunk) => written.push(chunk) }, agent, TASK, context);
  return { outcome, written };
}

describe('executeAgent', () => {
  it('should return a function result whole and unsent, with the header and body apart', async () => {
    const { outcome, written } = await run();
    // Sending it is the caller's job, after the agent is released.
    expect(written).toEqual([]);
    if (outcome.kind !== 'done') throw new Error('expected a result');
    expect(outcome).toMatchObject({ work: 'function', streamed: false });
    expect(outcome.parts).toHaveLength(2);
    expect(outcome.parts[0]).toMatch(/^\*\*.+\*\* \(`roi_calculator`\):\n\n$/);
    expect(outcome.text).toBe(outcome.parts.join(''));
  });

  it('should return an offline draft unsent when no language model is configured', async () => {
    const { outcome, written } = await run('financial_analyst');
    expect(written).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'done', work: 'offline_draft', streamed: false });
  });
});
