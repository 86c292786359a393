import { countPlanSteps, type Plan } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPlan } from '../../planning/create.js';
import { refinePlan } from '../../planning/refine/refine.js';
import { createTestMatcher } from '../../planning/test-matcher.js';
import { loadAgentRegistry } from '../../registry/load.js';
import { AgentRegistry } from '../../registry/registry.js';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { planSummary } from './nodes/plan.js';

let registry: AgentRegistry;
let launch: Plan;
beforeAll(async () => {
  registry = AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR));
  launch = createPlan({
    request: 'Plan the launch of our product in Germany next quarter',
    registry,
    match: createTestMatcher(registry),
  });
});

describe('planSummary', () => {
  it('should say title, step count, duration and that approval is needed in two short paragraphs', () => {
    const text = planSummary(launch, 1);
    expect(text).toContain(`**${launch.title}** — plan v1: ${countPlanSteps(launch.steps)} steps`);
    expect(text).toContain(`about ${launch.criticalPath.display.value} weeks`);
    expect(text).toMatch(/needs your approval/);
    expect(text.split('\n\n')).toHaveLength(2);
    expect(text.length).toBeLessThan(320);
  });

  it('should leave the warnings, ids and internal labels to the card when the plan has warnings', () => {
    expect(launch.warnings.length).toBeGreaterThan(0);
    const text = planSummary(launch, 1);
    for (const warning of launch.warnings) expect(text).not.toContain(warning.slice(0, 30));
    expect(text).toContain(`${launch.warnings.length} points to check`);
    expect(text).not.toMatch(/new:|`|""|⚠|_agent\b/i);
  });

  it('should count the steps of a refined plan the way the card counts them when a step is added', () => {
    const result = refinePlan(launch, 'add a legal review before launch', {
      registry,
      match: createTestMatcher(registry),
    });
    if (result.kind !== 'revised') throw new Error(result.question);
    const count = countPlanSteps(result.plan.steps);
    expect(count).toBe(countPlanSteps(launch.steps) + 2);
    expect(planSummary(result.plan, 2)).toContain(`plan v2: ${count} steps`);
  });
});
