import { PlanSchema, type Plan } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAgentRegistry } from '../../registry/load.js';
import { AgentRegistry } from '../../registry/registry.js';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { createPlan } from '../create.js';
import { validatePlan } from '../dag.js';
import { createTestMatcher } from '../test-matcher.js';
import { findStep, flatSteps } from '../testing.js';
import type { AgentMatcher } from '../types.js';
import { refinePlan, type RefineResult } from './refine.js';

let registry: AgentRegistry;
let match: AgentMatcher;
let launch: Plan;
let budget: Plan;
beforeAll(async () => {
  registry = AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR));
  match = createTestMatcher(registry);
  launch = createPlan({ request: 'Plan the launch of our product in Germany next quarter', registry, match });
  budget = createPlan({ request: 'Prepare the Q3 budget', registry, match });
});

function revised(plan: Plan, instruction: string): { plan: Plan; changeSummary: string } {
  const result: RefineResult = refinePlan(plan, instruction, { registry, match });
  if (result.kind !== 'revised') throw new Error(`expected a revision for "${instruction}", got: ${result.question}`);
  expect(() => PlanSchema.parse(result.plan)).not.toThrow();
  expect(validatePlan(result.plan, registry).ok).toBe(true);
  return result;
}

function question(plan: Plan, instruction: string): string {
  const result = refinePlan(plan, instruction, { registry, match });
  if (result.kind !== 'unclear')
    throw new Error(`expected a question for "${instruction}", got: ${result.changeSummary}`);
  return result.question;
}

describe('refinePlan: durations', () => {
  it('should set a duration and recompute the subproject and the critical path', () => {
    const { plan, changeSummary } = revised(launch, 'make the budget step 2 weeks');
    expect(findStep(plan, 'launch_budget').estimatedDuration).toEqual({ value: 2, unit: 'weeks' });
    expect(changeSummary).toBe('Launch budget: 3 days → 2 weeks.');
    expect(plan.steps.find((s) => s.id === 'finance')!.estimatedDuration).toEqual({ value: 2, unit: 'weeks' });
    expect(plan.criticalPath.totalMinutes).toBeGreaterThan(launch.criticalPath.totalMinutes);
  });

  it('should understand "should take" and "shorten … to"', () => {
    expect(
      findStep(revised(budget, 'budget review should take 1 week').plan, 'budget_review').estimatedDuration,
    ).toEqual({ value: 1, unit: 'weeks' });
    expect(findStep(revised(launch, 'shorten QA to 2 days').plan, 'qa').estimatedDuration).toEqual({
      value: 2,
      unit: 'days',
    });
  });

  it('should add to and take from a duration', () => {
    expect(
      findStep(revised(launch, 'add 2 days to the launch budget').plan, 'launch_budget').estimatedDuration,
    ).toEqual({ value: 1, unit: 'weeks' });
    expect(findStep(revised(launch, 'shorten positioning by 2 days').plan, 'positioning').estimatedDuration).toEqual({
      value: 3,
      unit: 'days',
    });
  });

  it('should ask which step when a subproject is named, since its duration comes from its steps', () => {
    expect(question(launch, 'make the finance subproject 3 weeks')).toMatch(
      /^"Finance" takes as long as its own steps \(1 week\)\. Which of them should change: Pricing and margin model, Launch budget, Launch budget approval\?$/,
    );
  });
});

describe('refinePlan: people and agents', () => {
  it('should assign a named person as a reviewer', () => {
    const { plan, changeSummary } = revised(budget, 'assign the review to Sarah');
    expect(findStep(plan, 'budget_review')).toMatchObject({ assignedHuman: 'Sarah', collaboration: 'review' });
    expect(changeSummary).toBe('Budget review with department heads: Sarah reviews.');
    expect(plan.warnings.find((w) => w.startsWith('People to name:'))).not.toContain('Budget review');
  });

  it('should read "Mike from Finance should approve the budget" as the approval step', () => {
    const { plan } = revised(budget, 'Mike from Finance should approve the budget');
    expect(findStep(plan, 'budget_approval')).toMatchObject({
      assignedHuman: 'Mike from Finance',
      collaboration: 'approval',
    });
  });

  it('should reassign a step to the agent named by its title', () => {
    const { plan, changeSummary } = revised(launch, 'give the blog post to the content strategist');
    expect(findStep(plan, 'blog_post').assignedAgent).toBe('content_strategist');
    expect(changeSummary).toBe('Launch blog post: assigned to Content Strategist (content_strategist).');
  });

  it('should ask which agent when the name fits several', () => {
    expect(question(launch, 'give the press release to the writer')).toBe(
      'Which agent do you mean for "Press release": Blog Post Writer or Technical Writer?',
    );
  });
});

describe('refinePlan: structure', () => {
  it('should drop a step and rewire what waited for it', () => {
    const { plan, changeSummary } = revised(launch, 'drop the social media step');
    expect(flatSteps(plan).some((e) => e.step.id === 'social_media')).toBe(false);
    expect(findStep(plan, 'localize_campaign').dependsOn).toEqual(['blog_post', 'press_release']);
    expect(changeSummary).toBe('Dropped Social media campaign.');
  });

  it('should rewire to the dropped step dependencies', () => {
    const { plan } = revised(budget, "we don't need the scenario analysis");
    expect(findStep(plan, 'budget_review').dependsOn).toEqual(['draft_budget']);
  });

  it('should drop a whole subproject when its last step goes', () => {
    const { plan } = revised(launch, 'drop the go/no-go');
    expect(plan.steps.some((s) => s.id === 'go_no_go')).toBe(false);
    expect(plan.steps.find((s) => s.id === 'marketing_3')!.dependsOn.sort()).toEqual(['engineering', 'marketing_2']);
  });

  it('should add a legal review before launch, with a build step for the missing legal agent', () => {
    const { plan, changeSummary } = revised(launch, 'add a legal review before launch');
    const review = findStep(plan, 'legal_review');
    expect(review).toMatchObject({ name: 'Legal review', capability: 'legal_review', assignedAgent: null });
    const build = findStep(plan, 'build_legal_review_agent');
    expect(build).toMatchObject({ type: 'build_agent', department: 'new:legal' });
    expect(review.dependsOn).toContain(build.id);
    expect(findStep(plan, 'launch').dependsOn).toContain('legal_review');
    expect(changeSummary).toBe(
      'Added Legal review before Launch day with "Build a legal agent" ahead of it (no agent can do it yet).',
    );
  });

  it('should add a step an existing agent can do and assign it', () => {
    const { plan } = revised(budget, 'add a break-even analysis after the forecast');
    const added = findStep(plan, 'break_even_analysis');
    expect(added).toMatchObject({
      assignedAgent: 'roi_calculator',
      capability: 'break_even_analysis',
      dependsOn: ['forecast'],
    });
  });

  it('should change the risk level and rename a step', () => {
    expect(findStep(revised(launch, 'mark the pricing step as high risk').plan, 'pricing').riskLevel).toBe('high');
    const { plan, changeSummary } = revised(launch, 'rename the press release to "Media kit"');
    expect(findStep(plan, 'press_release').name).toBe('Media kit');
    expect(changeSummary).toBe('Renamed Press release → Media kit.');
  });
});

describe('refinePlan: several instructions and unclear ones', () => {
  it('should apply two instructions in one message in order', () => {
    const { plan, changeSummary } = revised(
      launch,
      'make the budget 2 weeks and assign the post-launch review to Sarah',
    );
    expect(findStep(plan, 'launch_budget').estimatedDuration).toEqual({ value: 2, unit: 'weeks' });
    expect(findStep(plan, 'post_launch_review')).toMatchObject({ assignedHuman: 'Sarah', collaboration: 'review' });
    expect(changeSummary).toBe('Launch budget: 3 days → 2 weeks; Post-launch performance review: Sarah reviews.');
  });

  it('should resolve "it" to the step the previous instruction touched', () => {
    const { plan } = revised(budget, 'assign the forecast to the financial analyst and make it 2 weeks');
    expect(findStep(plan, 'forecast').estimatedDuration).toEqual({ value: 2, unit: 'weeks' });
  });

  it('should ask which step when several fit, and change nothing', () => {
    const q = question(budget, 'make the budget step 2 weeks');
    expect(q).toMatch(/^Which step do you mean: .+ or .+\?$/);
    expect(q).toContain('Draft the quarterly budget');
    expect(q).toContain('Department budget requests');
  });

  it('should ask which review is meant, listing each by name, when several wait for a reviewer', () => {
    const q = question(launch, 'assign the review to Sarah');
    const listed = q.split('\n').filter((line) => line.startsWith('- '));
    const waiting = flatSteps(launch).filter((e) => e.step.collaboration === 'review' && !e.step.assignedHuman);
    expect(waiting.length).toBeGreaterThan(4);
    expect(listed).toEqual(waiting.map((e) => `- ${e.step.name}`));
    expect(q).toMatch(/^\d+ steps match “the review”\. Which one do you mean\?/);
    // Nothing is picked for the person: the plan stays as it was.
    expect(flatSteps(launch).some((e) => e.step.assignedHuman === 'Sarah')).toBe(false);
  });

  it('should take the one review that waits for a reviewer without asking', () => {
    const { plan } = revised(budget, 'assign the review to Sarah');
    expect(findStep(plan, 'budget_review')).toMatchObject({ assignedHuman: 'Sarah', collaboration: 'review' });
  });

  it('should ask which approval is meant when several approvals wait for a person', () => {
    const q = question(launch, 'have Mike approve the approval');
    expect(q).toContain('- Campaign approval');
    expect(q).toContain('- Launch budget approval');
    expect(q).toContain('- Launch go/no-go');
  });

  it('should ask when nothing in the message maps to a change', () => {
    expect(question(launch, 'make it pop')).toMatch(
      /^I'm not sure what to change for "make it pop"\. You can say, for example, "make <step> 2 weeks"/,
    );
    expect(question(launch, 'drop the unicorn step')).toMatch(/^I could not find a step matching "the unicorn step"/);
  });

  it('should ask the specific question a half instruction raises', () => {
    expect(question(launch, 'Sarah should approve')).toBe('Which step should Sarah approve?');
    expect(question(launch, 'add before launch')).toBe('What should I add before launch?');
    expect(question(launch, 'shorten the production release by 3 weeks')).toBe(
      '"Production release" only takes 1 day, so I can\'t take 3 weeks off it. How long should it take?',
    );
  });

  it('should treat a market and its language as the same word', () => {
    expect(
      findStep(revised(launch, 'make the German website localisation 2 weeks').plan, 'localize_site').estimatedDuration,
    ).toEqual({ value: 2, unit: 'weeks' });
  });

  it('should apply nothing when a later instruction is unclear', () => {
    const result = refinePlan(launch, 'shorten QA to 2 days and drop the unicorn', { registry, match });
    expect(result.kind).toBe('unclear');
    expect(findStep(launch, 'qa').estimatedDuration).toEqual({ value: 1, unit: 'weeks' });
  });
});

describe('refinePlan: any wording', () => {
  it.each([
    '',
    '???',
    'drop everything',
    'drop it',
    'it should take 2 days',
    'add before launch',
    'assign to',
    'rename to',
    'make QA 0 days',
    'make QA 20000 weeks',
    'shorten the production release by 3 weeks',
    'add a 2-day approval step before the finance work',
    'drop the finance subproject and drop the engineering subproject',
    'assign the go/no-go to the CEO and rename it to "' + 'x'.repeat(400) + '"',
    'give the launch to ' + 'Bob '.repeat(60),
    'Überprüfe bitte die Übersetzung 🚀',
  ])('should revise validly or ask, never throw, for %j', (instruction) => {
    const result = refinePlan(launch, instruction, { registry, match });
    if (result.kind === 'revised') expect(validatePlan(result.plan, registry).ok).toBe(true);
    else expect(result.question.length).toBeGreaterThan(10);
  });
});
