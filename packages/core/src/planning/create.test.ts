import { PlanSchema, type Plan } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';
import { SHIPPED_AGENTS_DIR } from '../testing/fixtures.js';
import { createPlan } from './create.js';
import { ancestorsOf, validatePlan } from './dag.js';
import { MINUTES_PER_WEEK } from './duration.js';
import { createTestMatcher } from './test-matcher.js';
import { findStep, flatSteps } from './testing.js';
import type { AgentMatcher } from './types.js';

let registry: AgentRegistry;
let match: AgentMatcher;
beforeAll(async () => {
  registry = AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR));
  match = createTestMatcher(registry);
});

/** Top-level ids a top-level step waits for, transitively. */
const waitsFor = (plan: Plan, topId: string): Set<string> => ancestorsOf(plan.steps, topId);

describe('createPlan: launch in Germany', () => {
  let plan: Plan;
  beforeAll(() => {
    plan = createPlan({ request: 'Plan the launch of our product in Germany next quarter', registry, match });
  });

  it('should use the product launch template as a long-term, cross-department plan', () => {
    expect(plan.template).toBe('product_launch');
    expect(plan.horizon).toBe('long_term');
    expect(plan.department).toBe('cross');
    expect(plan.title).toBe('Product launch in Germany');
    expect(() => PlanSchema.parse(plan)).not.toThrow();
    expect(validatePlan(plan, registry).ok).toBe(true);
  });

  it('should add German localisation of site, docs and campaign, left for a localization agent to be built', () => {
    const localization = flatSteps(plan).filter(
      (e) => e.step.capability === 'localization' && e.step.type === 'standard',
    );
    expect(localization.map((e) => e.step.id).sort()).toEqual(['localize_campaign', 'localize_docs', 'localize_site']);
    expect(findStep(plan, 'localize_docs').name).toBe('Translate product docs into German');
    for (const { step } of localization) {
      expect(step.assignedAgent).toBeNull();
      expect(step.description).toMatch(/German/);
    }
    expect(plan.warnings.some((w) => w.startsWith('Market: planned for Germany'))).toBe(true);
  });

  it('should put one build_agent step ahead of every step that needs localization', () => {
    const builds = flatSteps(plan).filter((e) => e.step.type === 'build_agent');
    expect(builds).toHaveLength(1);
    const build = builds[0]!.step;
    expect(build).toMatchObject({
      id: 'build_localization_agent',
      capability: 'localization',
      department: 'new:localization',
      collaboration: 'approval',
      assignedHuman: null,
    });
    expect(plan.steps).toContain(build); // top level: it serves two departments
    for (const e of flatSteps(plan).filter((x) => x.step.capability === 'localization' && x.step.type === 'standard')) {
      expect(e.parent, e.qid).not.toBeNull();
      expect(waitsFor(plan, e.parent!.id).has(build.id), e.qid).toBe(true);
    }
    expect(plan.warnings.some((w) => w.startsWith('Capability gap: no agent can do "localization"'))).toBe(true);
  });

  it('should group the work into subprojects per department with dependencies between them', () => {
    const subprojects = plan.steps.filter((s) => s.type === 'subproject');
    expect(new Set(subprojects.map((s) => s.department))).toEqual(new Set(['marketing', 'finance', 'engineering']));
    const finance = plan.steps.find((s) => s.id === 'finance')!;
    expect(finance.steps!.map((s) => s.id)).toEqual(['pricing', 'launch_budget', 'budget_approval']);
    expect(finance.dependsOn).toEqual(['marketing']);
    // The go/no-go waits for engineering and for marketing's approved campaign.
    const goNoGo = plan.steps.find((s) => s.id === 'go_no_go')!;
    expect(goNoGo.type).toBe('human_approval');
    expect([...waitsFor(plan, 'go_no_go')]).toEqual(expect.arrayContaining(['engineering', 'finance', 'marketing']));
    for (const sp of subprojects) expect(sp.estimatedDuration.value).toBeGreaterThan(0);
  });

  it('should measure the critical path in weeks through the subprojects', () => {
    expect(plan.criticalPath.display.unit).toBe('weeks');
    expect(plan.criticalPath.totalMinutes).toBeGreaterThan(4 * MINUTES_PER_WEEK);
    expect(plan.criticalPath.totalMinutes).toBeLessThan(13 * MINUTES_PER_WEEK); // fits "next quarter"
    expect(plan.warnings.some((w) => w.startsWith('Timeline:'))).toBe(false);
    expect(plan.criticalPath.stepIds[0]).toBe('marketing');
    expect(plan.criticalPath.stepIds).toContain('marketing/positioning');
    expect(plan.criticalPath.stepIds.at(-1)).toMatch(/post_launch_review$/);
  });

  it('should leave approvals and reviews for named people to be assigned', () => {
    const open = flatSteps(plan).filter(
      (e) => e.step.assignedHuman === null && (e.step.type === 'human_approval' || e.step.collaboration),
    );
    expect(open.map((e) => e.step.id)).toEqual(
      expect.arrayContaining(['budget_approval', 'campaign_approval', 'go_no_go', 'positioning']),
    );
    expect(findStep(plan, 'positioning').collaboration).toBe('strategy');
    // Too many to list: counted, and each step says so where the plan lists it.
    expect(plan.warnings.find((w) => w.startsWith('People to name:'))).toBe(
      `People to name: ${open.length} steps need a person (marked "Person to assign" below) — e.g. "assign the campaign approval to Sarah".`,
    );
  });
});

describe('createPlan: any wording', () => {
  it.each([
    '',
    '   ',
    '???',
    'a',
    'launch launch launch',
    'Plan 🚀 für Deutschland — bitte!',
    'x'.repeat(5000),
    'and and , ; then',
  ])('should return a valid plan and never throw for %j', (request) => {
    const plan = createPlan({ request, registry, match });
    expect(validatePlan(plan, registry).ok).toBe(true);
    expect(plan.steps.length).toBeGreaterThan(0);
  });
});

describe('createPlan: adapting to the request', () => {
  it('should warn when the critical path is longer than the stated deadline', () => {
    const plan = createPlan({ request: 'Launch our new mobile app in 3 weeks', registry, match });
    const warning = plan.warnings.find((w) => w.startsWith('Timeline:'));
    expect(warning).toMatch(/longer than the deadline "in 3 weeks" \(3 weeks\)/);
  });

  it('should check a month deadline against the date it is given', () => {
    const plan = createPlan({
      request: 'Hire a data scientist by March',
      registry,
      match,
      now: new Date('2025-02-03T09:00:00Z'),
    });
    expect(plan.warnings.find((w) => w.startsWith('Timeline:'))).toMatch(/"by March" \(4 weeks\)/);
  });

  it('should not add localisation for an English-speaking market', () => {
    const plan = createPlan({ request: 'Plan the product launch in the UK', registry, match });
    expect(flatSteps(plan).some((e) => e.step.capability === 'localization')).toBe(false);
    expect(findStep(plan, 'market_research').description).toContain('the UK');
  });

  it('should keep an unavailable agent and name an alternative the matcher finds', () => {
    const base = createTestMatcher(registry, { unavailable: ['blog_post_writer'] });
    const withAlternative: AgentMatcher = (need) =>
      need.exclude?.includes('blog_post_writer')
        ? { agent: 'content_strategist', score: 0.7, available: true }
        : base(need);
    const plan = createPlan({
      request: 'Plan the launch of our new analytics dashboard',
      registry,
      match: withAlternative,
    });
    expect(findStep(plan, 'blog_post').assignedAgent).toBe('blog_post_writer');
    expect(plan.warnings).toContain(
      'Unavailable: Blog Post Writer (blog_post_writer) is busy or offline right now; "Launch blog post" stays assigned to it — Content Strategist (content_strategist) could take it instead.',
    );
  });

  it('should point to the manager when an unavailable agent has no alternative', () => {
    const plan = createPlan({
      request: 'Prepare the Q3 budget',
      registry,
      match: createTestMatcher(registry, { unavailable: ['budget_planner'] }),
    });
    expect(plan.warnings.find((w) => w.includes('"Draft the quarterly budget"'))).toMatch(
      /its manager Finance Manager \(finance_manager_orchestrator\) can reassign it/,
    );
  });

  it('should keep a single-department plan flat', () => {
    const plan = createPlan({
      request: 'Write a blog post series and a content calendar for the summer',
      registry,
      match,
      department: 'marketing',
    });
    expect(plan.template).toBeNull();
    expect(plan.department).toBe('marketing');
    expect(plan.steps.some((s) => s.type === 'subproject')).toBe(false);
    expect(validatePlan(plan, registry).ok).toBe(true);
  });

  it('should decompose a request no template fits into research, work, review, approval and rollout', () => {
    const plan = createPlan({
      request: 'Migrate the finance reports to the data warehouse, write runbooks and prepare a variance analysis',
      registry,
      match,
    });
    expect(plan.template).toBeNull();
    const steps = flatSteps(plan).map((e) => e.step);
    expect(steps.length).toBeGreaterThanOrEqual(6);
    expect(steps.map((s) => s.id)).toEqual(expect.arrayContaining(['research', 'sign_off', 'rollout']));
    expect(steps.find((s) => s.id === 'sign_off')!.type).toBe('human_approval');
    expect(new Set(steps.map((s) => s.department).filter(Boolean))).toEqual(new Set(['engineering', 'finance']));
    expect(plan.department).toBe('cross');
    expect(plan.steps.filter((s) => s.type === 'subproject').length).toBeGreaterThanOrEqual(2);
    expect(validatePlan(plan, registry).ok).toBe(true);
    // Rollout is the last thing that happens.
    expect(plan.criticalPath.stepIds.at(-1)).toBe('rollout');
  });

  it('should build the missing agent first when a generic request needs a gap area', () => {
    const plan = createPlan({
      request: 'Get legal counsel to check our terms of service, then update the employee handbook',
      registry,
      match,
    });
    const build = flatSteps(plan).find((e) => e.step.type === 'build_agent')!.step;
    expect(build).toMatchObject({ capability: 'legal_review', department: 'new:legal', name: 'Build a legal agent' });
    const needing = flatSteps(plan).filter((e) => e.step.capability === 'legal_review' && e.step.type === 'standard');
    expect(needing.length).toBeGreaterThan(0);
    for (const e of needing) expect(e.step.dependsOn).toContain(build.id);
    expect(findStep(plan, 'update_employee_handbook').assignedAgent).toBe('policy_advisor');
    expect(validatePlan(plan, registry).ok).toBe(true);
  });
});
