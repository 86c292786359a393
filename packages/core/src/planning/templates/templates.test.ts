import { PlanSchema } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAgentRegistry } from '../../registry/load.js';
import { AgentRegistry } from '../../registry/registry.js';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { createPlan } from '../create.js';
import { validatePlan } from '../dag.js';
import { createTestMatcher } from '../test-matcher.js';
import { flatSteps } from '../testing.js';
import { PROJECT_TEMPLATES, selectTemplate } from './index.js';

let registry: AgentRegistry;
beforeAll(async () => {
  registry = AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR));
});

const REQUESTS: Record<string, string> = {
  product_launch: 'Plan the launch of our new analytics dashboard',
  hiring: 'We need to hire a senior backend engineer',
  quarterly_budget: 'Prepare the Q3 budget for the company',
  vendor_onboarding: 'Onboard a new payroll provider',
  incident_postmortem: "Run a post-mortem for last night's checkout outage",
};

describe('project templates', () => {
  it('should ship the five templates with unique ids', () => {
    expect(PROJECT_TEMPLATES.map((t) => t.id).sort()).toEqual(Object.keys(REQUESTS).sort());
  });

  it.each(PROJECT_TEMPLATES.map((t) => [t.id, t] as const))(
    'should keep %s a DAG of known ids with realistic estimates',
    (_id, template) => {
      const ids = new Set(template.steps.map((s) => s.id));
      expect(ids.size).toBe(template.steps.length);
      for (const s of template.steps) {
        for (const d of s.dependsOn) expect(ids.has(d), `${s.id} → ${d}`).toBe(true);
        expect(['hours', 'days', 'weeks']).toContain(s.duration.unit);
      }
      for (const hook of template.localization ?? [])
        for (const id of [...hook.after, ...hook.before]) expect(ids.has(id)).toBe(true);
      expect(template.steps.some((s) => s.type === 'human_approval' || s.collaboration)).toBe(true);
      expect(template.steps.some((s) => s.riskLevel === 'critical' || s.riskLevel === 'high')).toBe(true);
    },
  );

  it.each(PROJECT_TEMPLATES.map((t) => [t.id, t] as const))(
    'should name only capabilities a shipped specialist has in %s',
    (_id, template) => {
      const specialistCaps = new Set(
        registry.agents.filter((a) => a.definition.type !== 'orchestrator').flatMap((a) => a.definition.capabilities),
      );
      for (const s of template.steps)
        if (s.capability) expect(specialistCaps.has(s.capability), `${s.id}: ${s.capability}`).toBe(true);
    },
  );

  it.each(Object.entries(REQUESTS))('should select %s from a typical request', (id, request) => {
    expect(selectTemplate(request)?.id).toBe(id);
  });

  it.each([
    'Migrate our CRM data to the new data warehouse and document the pipeline',
    'Launch an employee referral program with bonuses and an internal awareness campaign',
    'Plan and execute the MySQL 5.7 to 8.0 upgrade across all 14 databases with zero downtime',
    'We want to start a podcast: the format, first-season guests and a production vendor',
  ])('should select no template for %j, which none of them fits', (request) => {
    expect(selectTemplate(request)).toBeNull();
  });

  it.each(Object.entries(REQUESTS))(
    'should turn the %s template into a valid plan against the shipped workforce',
    (id, request) => {
      const plan = createPlan({ request, registry, match: createTestMatcher(registry) });
      expect(plan.template).toBe(id);
      expect(() => PlanSchema.parse(plan)).not.toThrow();
      expect(validatePlan(plan, registry)).toEqual({ ok: true, errors: [] });
      const steps = flatSteps(plan).map((e) => e.step);
      // Every work step that needs a capability got a shipped agent that has it: no gaps by default.
      for (const s of steps.filter((x) => x.type === 'standard' && x.capability)) {
        expect(s.assignedAgent, s.id).not.toBeNull();
        expect(registry.get(s.assignedAgent!)!.definition.capabilities).toContain(s.capability);
      }
      expect(steps.some((s) => s.type === 'build_agent')).toBe(false);
      // People take part, unnamed until the plan is refined.
      expect(
        steps.some((s) => (s.type === 'human_approval' || s.collaboration === 'approval') && s.assignedHuman === null),
      ).toBe(true);
      expect(plan.warnings.some((w) => w.startsWith('People to name:'))).toBe(true);
      // Each template spans departments, so the work is grouped into subprojects.
      expect(plan.department).toBe('cross');
      const subprojects = plan.steps.filter((s) => s.type === 'subproject');
      expect(subprojects.length).toBeGreaterThanOrEqual(2);
      for (const sp of subprojects) {
        expect(sp.steps!.every((s) => s.department === sp.department)).toBe(true);
        expect(sp.assignedAgent).toBe(registry.departmentLead(sp.department!)!.definition.name);
      }
      expect(plan.criticalPath.totalMinutes).toBeGreaterThan(0);
    },
  );

  it('should fill the subject of the request into the title', () => {
    const match = createTestMatcher(registry);
    expect(createPlan({ request: REQUESTS.hiring!, registry, match }).title).toBe('Hiring: senior backend engineer');
    expect(createPlan({ request: REQUESTS.vendor_onboarding!, registry, match }).title).toBe(
      'Vendor onboarding: payroll provider',
    );
    expect(createPlan({ request: REQUESTS.incident_postmortem!, registry, match }).title).toBe(
      'Post-mortem: checkout outage',
    );
  });

  it('should read the subject after "the hiring of" / "onboarding of" and stop before a time span', () => {
    const match = createTestMatcher(registry);
    const titleOf = (request: string) => createPlan({ request, registry, match }).title;
    expect(titleOf('Plan the hiring of a senior data engineer over the next two months')).toBe(
      'Hiring: senior data engineer',
    );
    expect(titleOf('Run the onboarding of a new CRM vendor before the end of the year')).toBe(
      'Vendor onboarding: CRM vendor',
    );
  });
});
