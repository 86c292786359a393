import { beforeAll, describe, expect, it } from 'vitest';
import { ScriptedChatModel } from '../../llm/scripted.js';
import { OFFLINE_PROVIDER } from '../../llm/provider.js';
import { loadShippedWorkforce, type Workforce } from '../../testing/facade-harness.js';
import { draftAgent } from './draft.js';
import { specifyAgent } from './identity.js';
import { draftFromTemplate } from './offline-drafter.js';
import { validateDraft } from './validate.js';

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

const noUsage = { record: async () => undefined };
const VENDOR = 'We need an agent that reviews vendor contracts for legal risk';

describe('specifyAgent', () => {
  it('should propose a legal contract reviewer reporting to the CEO when legal work has no department', () => {
    const spec = specifyAgent({ request: VENDOR }, workforce.registry, workforce.index);
    expect(spec).toMatchObject({
      name: 'legal_contract_reviewer',
      department: 'legal',
      reportsTo: 'ceo_orchestrator',
      template: 'department_specialist',
      isNewDepartment: true,
      type: 'context',
    });
    expect(spec.capabilities).toEqual(expect.arrayContaining(['contract_review', 'legal_risk_assessment']));
    expect(spec.description).toBe('Reviews vendor contracts for legal risk.');
  });

  it('should report to the department lead when the department exists', () => {
    const spec = specifyAgent(
      { request: 'Build an agent that analyses churn metrics for marketing' },
      workforce.registry,
      workforce.index,
    );
    expect(spec.department).toBe('marketing');
    expect(spec.template).toBe('data_analysis');
    expect(spec.reportsTo).toBe('marketing_manager_orchestrator');
  });

  it('should put a localization agent for a plan step under the CMO with the step capability', () => {
    const spec = specifyAgent(
      { request: 'Build a localization agent', departmentHint: 'new:localization', capability: 'localization' },
      workforce.registry,
      workforce.index,
    );
    expect(spec).toMatchObject({
      name: 'localization_specialist',
      department: 'localization',
      reportsTo: 'cmo_orchestrator',
    });
    expect(spec.capabilities[0]).toBe('localization');
  });

  it('should add a suffix when the name is taken', () => {
    const spec = specifyAgent(
      { request: VENDOR, reserved: new Set(['legal_contract_reviewer']) },
      workforce.registry,
      workforce.index,
    );
    expect(spec.name).toBe('legal_contract_reviewer_2');
    expect(
      specifyAgent({ request: 'We need a vendor manager', overrides: { name: 'vendor_manager' } }, workforce.registry)
        .name,
    ).toBe('vendor_manager');
  });
});

describe('validateDraft', () => {
  it('should pass a template draft offline and say the answers are offline drafts', async () => {
    const spec = specifyAgent({ request: VENDOR }, workforce.registry, workforce.index);
    const validation = await validateDraft(
      { registry: () => workforce.registry, llm: OFFLINE_PROVIDER, usage: noUsage },
      spec,
      draftFromTemplate(spec),
      { workspaceId: 'w' },
    );
    expect(validation.checks.filter((c) => !c.passed)).toEqual([]);
    expect(validation.passed).toBe(true);
    expect(validation.tasks[0]).toMatchObject({ work: 'offline_draft', passed: true });
    expect(validation.summary).toMatch(/offline drafts/);
  });

  it('should compile a function skeleton and parse the sample input with its schema', async () => {
    const spec = specifyAgent(
      { request: 'We need an agent that cleans CSV exports' },
      workforce.registry,
      workforce.index,
    );
    expect(spec.type).toBe('function');
    const validation = await validateDraft(
      { registry: () => workforce.registry, llm: OFFLINE_PROVIDER, usage: noUsage },
      spec,
      draftFromTemplate(spec),
      { workspaceId: 'w' },
    );
    expect(validation.checks.find((c) => c.name === 'index.ts compiles')).toMatchObject({ passed: true });
    expect(validation.checks.find((c) => c.name === 'input schema')).toMatchObject({ passed: true });
    expect(validation.tasks[0]).toMatchObject({ work: 'function', passed: true });
    expect(validation.tasks[0]!.output).toMatch(/Cleaned 2 row\(s\); dropped 0 blank and 1 duplicate/);
  });

  it('should fail a draft whose module does not compile and whose reportsTo is unknown', async () => {
    const spec = specifyAgent(
      { request: 'We need an agent that cleans CSV exports' },
      workforce.registry,
      workforce.index,
    );
    const draft = draftFromTemplate(spec);
    const broken = {
      ...draft,
      moduleSource: 'export default {',
      definition: { ...draft.definition, reportsTo: 'nobody_here' },
    };
    const validation = await validateDraft(
      { registry: () => workforce.registry, llm: OFFLINE_PROVIDER, usage: noUsage },
      spec,
      broken,
      { workspaceId: 'w' },
    );
    expect(validation.passed).toBe(false);
    expect(validation.checks.find((c) => c.name === 'organisation')!.detail).toMatch(/nobody_here/);
    expect(validation.checks.find((c) => c.name === 'index.ts compiles')).toMatchObject({ passed: false });
    expect(validation.tasks).toEqual([]);
  });
});

describe('draftAgent', () => {
  it('should use a repaired model draft when the first answer lacks sections', async () => {
    const spec = specifyAgent({ request: VENDOR }, workforce.registry, workforce.index);
    const good = JSON.stringify({
      title: 'Contract Risk Reviewer',
      description: 'Reviews vendor contracts.',
      keywords: ['contract'],
      contextMd:
        '# Contract Risk Reviewer\n\n## Role\nReviews.\n\n## Responsibilities\n- Review clauses.\n\n## Inputs\n- Contract.\n\n## Outputs\n- Risk table.\n\n## Quality bar\n- Quotes clauses.\n\n## Escalation\n- To the CEO.\n',
    });
    const model = new ScriptedChatModel([
      JSON.stringify({
        title: 'x',
        description: 'y',
        keywords: [],
        contextMd: '# Only a title and a lot of words but no sections at all in this draft, which is wrong.',
      }),
      good,
    ]);
    const result = await draftAgent(
      { llm: { info: { provider: 'scripted', model: 's', offline: false }, chatModel: model }, usage: noUsage },
      spec,
      { workspaceId: 'w' },
    );
    expect(result.source).toBe('llm');
    expect(result.draft.definition).toMatchObject({
      title: 'Contract Risk Reviewer',
      name: 'legal_contract_reviewer',
      reportsTo: 'ceo_orchestrator',
    });
    expect(result.notes[0]).toMatch(/repaired/);
    expect(String(model.prompts[1]!.at(-1)!.content)).toMatch(/missing the section/);
  });
});
