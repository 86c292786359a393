import { PlanDiffSchema, type Plan } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';
import { SHIPPED_AGENTS_DIR } from '../testing/fixtures.js';
import { createPlan } from './create.js';
import { diffPlans } from './diff.js';
import { refinePlan } from './refine/refine.js';
import { createTestMatcher } from './test-matcher.js';
import type { AgentMatcher } from './types.js';

let registry: AgentRegistry;
let match: AgentMatcher;
let launch: Plan;
beforeAll(async () => {
  registry = AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR));
  match = createTestMatcher(registry);
  launch = createPlan({ request: 'Plan the launch of our product in Germany next quarter', registry, match });
});

const refine = (plan: Plan, text: string): Plan => {
  const r = refinePlan(plan, text, { registry, match });
  if (r.kind !== 'revised') throw new Error(r.question);
  return r.plan;
};

describe('diffPlans', () => {
  it('should report nothing for the same plan', () => {
    expect(diffPlans(launch, structuredClone(launch))).toEqual({ added: [], removed: [], changed: [], summary: [] });
  });

  it('should show a field change before and after as text, with nested ids', () => {
    const diff = diffPlans(
      launch,
      refine(launch, 'make the budget 2 weeks and assign the post-launch review to Sarah'),
    );
    expect(PlanDiffSchema.parse(diff)).toEqual(diff);
    expect(diff.changed).toContainEqual({
      stepId: 'finance/launch_budget',
      fields: [{ field: 'estimatedDuration', before: '3 days', after: '2 weeks' }],
    });
    expect(diff.changed).toContainEqual({
      stepId: 'marketing_3/post_launch_review',
      fields: [
        { field: 'assignedHuman', before: 'none', after: 'Sarah' },
        { field: 'collaboration', before: 'none', after: 'review' },
      ],
    });
    // The subproject's own estimate follows its steps.
    expect(diff.changed).toContainEqual({
      stepId: 'finance',
      fields: [{ field: 'estimatedDuration', before: '1 week', after: '2 weeks' }],
    });
    expect(diff.summary).toEqual(
      expect.arrayContaining([
        'Launch budget: duration 3 days → 2 weeks',
        'Post-launch performance review: person none → Sarah',
        'Critical path: 6.5 weeks → 7.5 weeks',
      ]),
    );
  });

  it('should list added and removed steps and the rewired dependencies', () => {
    const after = refine(launch, 'drop the press release and add a legal review before launch');
    const diff = diffPlans(launch, after);
    expect(diff.removed).toEqual(['marketing_2/press_release']);
    expect(diff.added.sort()).toEqual(['marketing_3/build_legal_review_agent', 'marketing_3/legal_review']);
    expect(diff.changed).toContainEqual({
      stepId: 'marketing_3/launch',
      fields: [{ field: 'dependsOn', before: 'none', after: 'Legal review' }],
    });
    const approval = diff.changed.find((c) => c.stepId === 'marketing_2/campaign_approval')!;
    expect(approval.fields).toEqual([
      {
        field: 'dependsOn',
        // By name, as a person reads it: ids are the plan's internals.
        before:
          'Adapt launch campaign for Germany, Launch blog post, Localise website for Germany, Press release, Social media campaign',
        after:
          'Adapt launch campaign for Germany, Launch blog post, Localise website for Germany, Social media campaign',
      },
    ]);
    expect(diff.summary).toEqual(
      expect.arrayContaining(['Removed: Press release', 'Added: Legal review', 'Added: Build a legal agent']),
    );
  });

  it('should show agent, risk and name changes', () => {
    const after = refine(
      launch,
      'give the blog post to the content strategist; mark the pricing step as high risk; rename the press release to Media kit',
    );
    const diff = diffPlans(launch, after);
    expect(diff.summary).toEqual(
      expect.arrayContaining([
        'Launch blog post: agent blog_post_writer → content_strategist',
        'Pricing and margin model: risk medium → high',
        'Press release: name Press release → Media kit',
      ]),
    );
  });
});
