import { beforeAll, describe, expect, it } from 'vitest';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';
import { SHIPPED_AGENTS_DIR, writeAgentsDir } from '../testing/fixtures.js';
import { CapabilityIndex, indexableContext } from './capability-index.js';
import { contentTerms, stem } from './text.js';

let index: CapabilityIndex;

beforeAll(async () => {
  index = new CapabilityIndex(AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR)));
});

describe('CapabilityIndex.rank', () => {
  // Phrasings that do not appear in any agent.yaml or in the training set.
  it.each([
    ['my laptop will not connect to the office wifi since this morning', 'it_support'],
    ['somebody should look over the diff in PR 7781 for race conditions', 'code_reviewer'],
    ['what is the payback period on a new forklift for the depot', 'roi_calculator'],
    ['book a truck to move forty pallets to the Leeds warehouse', 'logistics_coordinator'],
    ['draft a LinkedIn thread about our award', 'social_media_manager'],
    ['how much should we pay a senior designer in Berlin', 'compensation_analyst'],
    ['the nightly Snowflake load failed, rerun it and backfill yesterday', 'data_engineer'],
    ['shortlist candidates for the warehouse supervisor job', 'recruiter'],
    ['can employees carry over unused vacation into next year', 'policy_advisor'],
    ['estimate the addressable market for pet insurance in Spain', 'market_researcher'],
  ])('should rank the right specialist first for %j', (text, agent) => {
    expect(index.rank(text, { limit: 1 })[0]?.agent).toBe(agent);
  });

  it('should not match the pronoun "it" to it_support', () => {
    expect(index.rank('it')).toEqual([]);
    expect(index.rank('Can you fix it?')).toEqual(index.rank('Can you fix'));
    expect(index.rank('Can IT take a look at my VPN?', { limit: 1 })[0]?.agent).toBe('it_support');
  });

  it('should return normalised scores in descending order with the words that matched', () => {
    const ranked = index.rank('reconcile the duplicate invoice against its purchase order');
    expect(ranked[0]!.agent).toBe('invoice_processor');
    expect(ranked[0]!.matched).toEqual(expect.arrayContaining(['invoice', 'purchase order']));
    for (const m of ranked) {
      expect(m.score).toBeGreaterThan(0);
      expect(m.score).toBeLessThan(1);
    }
    expect(ranked.map((m) => m.score)).toEqual([...ranked.map((m) => m.score)].sort((a, b) => b - a));
  });

  it('should give a weak score to work no agent does and a strong one to declared capabilities', () => {
    const strong = index.rank('run smoke tests on the android release candidate', { limit: 1 })[0]!;
    const weak = index.rank('compose a sonnet about the moon', { limit: 1 })[0];
    expect(strong.score).toBeGreaterThan(0.6);
    expect(weak?.score ?? 0).toBeLessThan(0.35);
  });

  it('should rank specialists only unless orchestrators are asked for', () => {
    const text = 'sprint planning and release coordination for the engineering team';
    expect(index.rank(text).some((m) => m.agent.endsWith('_orchestrator'))).toBe(false);
    expect(index.rank(text, { includeOrchestrators: true, limit: 1 })[0]?.agent).toBe(
      'engineering_manager_orchestrator',
    );
  });

  it('should filter by department and respect the limit', () => {
    const ranked = index.rank('write a report about costs', { department: 'finance', limit: 2 });
    expect(ranked.length).toBeLessThanOrEqual(2);
    expect(ranked.every((m) => m.department === 'finance')).toBe(true);
  });

  it('should index a registry built from any agents folder', async () => {
    const root = await writeAgentsDir([
      { name: 'boss', reportsTo: null, type: 'orchestrator' },
      {
        name: 'beekeeper',
        department: 'farm',
        yaml: 'name: beekeeper\ntitle: Beekeeper\ndepartment: farm\ntype: context\nreportsTo: boss\ndescription: Looks after the hives.\ncapabilities: [hive_inspection, honey_harvest]\nkeywords: [bees, honey]\nrisk:\n  default: low\n',
      },
    ]);
    const small = new CapabilityIndex(AgentRegistry.from(await loadAgentRegistry(root)));
    expect(small.rank('inspect the hives and harvest honey')[0]).toMatchObject({
      agent: 'beekeeper',
      department: 'farm',
    });
  });
});

describe('indexableContext', () => {
  it('should drop the Escalation and Team sections, which name what an agent does not do', () => {
    const md =
      '# X\n\n## Role\nReviews code.\n\n## Escalation\nSecurity auditing is not covered by `it_support`.\n\n## Team\n- a\n';
    const kept = indexableContext(md);
    expect(kept).toContain('Reviews code.');
    expect(kept).not.toContain('Security auditing');
  });
});

describe('text normalisation', () => {
  it('should fold inflections and spelling variants to one stem', () => {
    expect(new Set(['review', 'reviews', 'reviewing', 'reviewer'].map(stem)).size).toBe(1);
    expect(contentTerms('optimise')).toEqual(contentTerms('optimize'));
    expect(contentTerms('licences')).toEqual(contentTerms('licenses'));
  });

  it('should drop stopwords and keep compound parts', () => {
    expect(contentTerms('can you please fix it for us')).toEqual(['fix']);
    expect(contentTerms('CI/CD')).toEqual(expect.arrayContaining(['cicd', 'ci', 'cd']));
  });
});
