import { randomUUID } from 'node:crypto';
import { MemorySaver } from '@langchain/langgraph';
import type { Plan, PlanStep } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExecutionEngine } from '../execution/engine.js';
import { ScriptedChatModel } from '../../llm/scripted.js';
import { AgentRegistry } from '../../registry/registry.js';
import { recordingExecution } from '../../testing/execution-ports.js';
import { loadShippedWorkforce, type Workforce } from '../../testing/facade-harness.js';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { memoryLoads } from '../../testing/ports.js';
import type { StepAgentBuilds, StepBuildState } from './deps.js';

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

const base = {
  description: 'd',
  assignedHuman: null,
  collaboration: null,
  estimatedDuration: { value: 1, unit: 'days' as const },
};
const steps: PlanStep[] = [
  {
    ...base,
    id: 'build_localization_agent',
    name: 'Build a localization agent',
    type: 'build_agent',
    department: 'new:localization',
    dependsOn: [],
    assignedAgent: null,
    capability: 'localization',
    riskLevel: 'high',
  },
  {
    ...base,
    id: 'localize_site',
    name: 'Localize the website into German',
    type: 'standard',
    department: 'marketing',
    dependsOn: ['build_localization_agent'],
    assignedAgent: null,
    capability: 'localization',
    riskLevel: 'low',
  },
];
const plan: Plan = {
  title: 'Germany',
  request: 'Launch in Germany',
  template: null,
  department: 'marketing',
  horizon: 'short_term',
  steps,
  criticalPath: { stepIds: [], totalMinutes: 1, display: { value: 1, unit: 'days' } },
  warnings: [],
};

/** The registry after the build deployed the new agent. */
function withLocalizationAgent(registry: AgentRegistry): AgentRegistry {
  const definition = {
    name: 'localization_specialist',
    title: 'Localization Specialist',
    department: 'localization',
    type: 'context' as const,
    reportsTo: 'cmo_orchestrator',
    description: 'Localizes.',
    capabilities: ['localization'],
    keywords: [],
    risk: { default: 'low' as const, actions: {} },
    model: { provider: 'default' as const },
    limits: { maxConcurrent: 2 },
  };
  return new AgentRegistry([
    ...registry.agents,
    {
      definition,
      contextMd: '# Localization Specialist\n\n## Role\nLocalize.\n',
      sourcePath: 'localization/localization_specialist',
      contentHash: 'x',
    },
  ]);
}

function setup(script: string[]) {
  let registry = workforce.registry;
  const build: StepBuildState = { id: randomUUID(), status: 'drafting', agentName: null, error: null };
  const asked: string[] = [];
  const builds: StepAgentBuilds = { ensureForStep: async (_ctx, step) => (asked.push(step.stepKey), { ...build }) };
  const rec = recordingExecution(plan, 'autonomous');
  const engine = new ExecutionEngine({
    registry: () => registry,
    index: () => workforce.index,
    agentsDir: SHIPPED_AGENTS_DIR,
    llm: { info: { provider: 'scripted', model: 's', offline: false }, chatModel: new ScriptedChatModel(script) },
    usage: { record: async () => undefined },
    store: rec.store,
    approvals: rec.requester,
    loads: memoryLoads(withLocalizationAgent(workforce.registry)),
    maxAttempts: 1,
    backoffBaseMs: 1,
    backoffCapMs: 1,
    sleep: async () => undefined,
    checkpointer: new MemorySaver(),
    control: { shouldStop: async () => false },
    agentBuilds: builds,
  });
  const deploy = () => {
    Object.assign(build, { status: 'deployed', agentName: 'localization_specialist' });
    registry = withLocalizationAgent(workforce.registry);
  };
  return { engine, rec, build, asked, deploy, ctx: { workspaceId: randomUUID(), projectId: randomUUID() } };
}

describe('build_agent steps', () => {
  it('should wait for the build, then complete naming the new agent and run the steps that need it on it', async () => {
    const t = setup(['Die Website auf Deutsch.']);
    const first = await t.engine.run(t.ctx);
    expect(first.kind === 'interrupted' && first.interrupts[0]!.value).toMatchObject({
      kind: 'agent_development',
      stepKey: 'build_localization_agent',
      capability: 'localization',
    });
    expect(t.rec.statuses.get('build_localization_agent')).toContain('waiting_for_agent');
    expect(t.rec.approvals).toEqual([]);
    t.deploy();
    const id = first.kind === 'interrupted' ? first.interrupts[0]!.id : '';
    expect(await t.engine.run(t.ctx, { [id]: { kind: 'recovery', action: 'retry' } })).toEqual({ kind: 'completed' });
    const results = [...t.rec.results.values()];
    expect(results.find((r) => r.key === 'build_localization_agent')!.content).toMatch(
      /deployed Localization Specialist \(`localization_specialist`\)/,
    );
    expect(results.find((r) => r.key === 'localize_site')).toMatchObject({
      outcome: expect.objectContaining({ agent: 'localization_specialist' }),
    });
    expect(t.asked).toEqual(['build_localization_agent', 'build_localization_agent']);
  });

  it('should turn a rejected build into a failure with the reviewer’s reason', async () => {
    const t = setup([]);
    const first = await t.engine.run(t.ctx);
    Object.assign(t.build, { status: 'rejected', error: 'Rejected by Ada: use an agency' });
    const id = first.kind === 'interrupted' ? first.interrupts[0]!.id : '';
    const second = await t.engine.run(t.ctx, { [id]: { kind: 'recovery', action: 'retry' } });
    expect(second.kind === 'interrupted' && second.interrupts[0]!.value).toMatchObject({
      kind: 'error',
      stepKey: 'build_localization_agent',
      message: expect.stringMatching(
        /was rejected: Rejected by Ada: use an agency\. Retry to build it again, reassign/,
      ),
    });
    expect([...t.rec.results.values()]).toEqual([]);
  });
});
