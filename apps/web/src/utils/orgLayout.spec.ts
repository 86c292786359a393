import { describe, expect, it } from 'vitest';
import { agent } from '../testing/factories';
import { company } from '../testing/orgCompany';
import {
  createOrgLayoutMemo,
  layoutOrgChart,
  moveFocus,
  ORG_CHART_SIZE,
  type OrgLayout,
  type PlacedAgent,
} from './orgLayout';
import { buildOrgTree } from './orgTree';

const { nodeWidth: W, nodeHeight: H } = ORG_CHART_SIZE;
const overlaps = (a: PlacedAgent, b: PlacedAgent) => a.x < b.x + W && b.x < a.x + W && a.y < b.y + H && b.y < a.y + H;

function firstOverlap(chart: OrgLayout): [string, string] | null {
  // Sweep by x so 200 cards do not need 20,000 comparisons each run.
  const sorted = [...chart.nodes].sort((a, b) => a.x - b.x);
  for (let i = 0; i < sorted.length; i += 1) {
    for (let j = i + 1; j < sorted.length && sorted[j]!.x < sorted[i]!.x + W; j += 1) {
      if (overlaps(sorted[i]!, sorted[j]!)) return [sorted[i]!.name, sorted[j]!.name];
    }
  }
  return null;
}

describe('layoutOrgChart', () => {
  it('should place 200 agents quickly with no two cards overlapping when the company is large', () => {
    const agents = company(200);
    const tree = buildOrgTree(agents);
    const started = performance.now();
    const chart = layoutOrgChart(tree);
    const took = performance.now() - started;

    expect(chart.nodes).toHaveLength(200);
    expect(chart.edges).toHaveLength(199);
    expect(firstOverlap(chart)).toBeNull();
    // Dagre sees only managers and one block per column (~40 nodes): a few ms on a laptop. The
    // bound is loose because CI machines are shared; a regression to laying out every card (or
    // relaying per status update) shows up as seconds.
    expect(took).toBeLessThan(500);
    // Columns instead of one endless row of specialists.
    expect(chart.width).toBeLessThan(15 * (W + ORG_CHART_SIZE.gapX + ORG_CHART_SIZE.stackIndent) + W);
  });

  it('should put managers below their manager and stack specialists in a column when they have no reports', () => {
    const chart = layoutOrgChart(
      buildOrgTree([
        agent({ name: 'ceo', type: 'orchestrator' }),
        agent({ name: 'cfo', type: 'orchestrator', reportsTo: 'ceo' }),
        agent({ name: 'analyst', title: 'Analyst', reportsTo: 'cfo' }),
        agent({ name: 'bookkeeper', title: 'Bookkeeper', reportsTo: 'cfo' }),
      ]),
    );
    const at = (name: string) => chart.byName.get(name)!;
    expect(at('cfo').y).toBeGreaterThanOrEqual(at('ceo').y + H);
    expect(at('cfo').stacked).toBe(false);
    expect(at('analyst').stacked).toBe(true);
    expect(at('analyst').x).toBe(at('bookkeeper').x);
    expect(at('bookkeeper').y).toBeGreaterThanOrEqual(at('analyst').y + H);
    expect(at('analyst').y).toBeGreaterThanOrEqual(at('cfo').y + H);
    expect(chart.edges.find((e) => e.target === 'bookkeeper')?.path).toMatch(
      /^M[\d.]+,[\d.]+ V[\d.]+ H[\d.]+ V[\d.]+ H[\d.]+$/,
    );
  });

  it('should hang a manager just below its own manager when a long column shares its level', () => {
    const specialists = (manager: string, n: number) =>
      Array.from({ length: n }, (_, i) => agent({ name: `${manager}_s${i}`, reportsTo: manager }));
    const chart = layoutOrgChart(
      buildOrgTree([
        agent({ name: 'ceo', type: 'orchestrator' }),
        agent({ name: 'hr', type: 'orchestrator', reportsTo: 'ceo' }),
        agent({ name: 'cfo', type: 'orchestrator', reportsTo: 'ceo' }),
        agent({ name: 'finance_manager', type: 'orchestrator', reportsTo: 'cfo' }),
        ...specialists('hr', 6),
        ...specialists('finance_manager', 3),
      ]),
    );
    const at = (name: string) => chart.byName.get(name)!;
    expect(at('finance_manager').y).toBe(at('cfo').y + H + ORG_CHART_SIZE.gapY);
    expect(at('finance_manager_s0').y).toBe(at('finance_manager').y + H + ORG_CHART_SIZE.gapY);
    expect(firstOverlap(chart)).toBeNull();
  });

  it('should keep an orchestrator without reports in the row rather than in a column', () => {
    const chart = layoutOrgChart(
      buildOrgTree([
        agent({ name: 'ceo', type: 'orchestrator' }),
        agent({ name: 'cto', type: 'orchestrator', reportsTo: 'ceo' }),
      ]),
    );
    expect(chart.byName.get('cto')?.stacked).toBe(false);
  });

  it('should lay out nothing when there are no agents', () => {
    const chart = layoutOrgChart([]);
    expect(chart.nodes).toEqual([]);
    expect(chart.width).toBe(0);
  });
});

describe('layoutOrgChart with folded specialist columns', () => {
  it('should draw each long column as one count card under its manager, and a chosen one in full', () => {
    const agents = company(200);
    const tree = buildOrgTree(agents);
    const full = layoutOrgChart(tree);
    const folded = layoutOrgChart(tree, ORG_CHART_SIZE, { minSize: 3, expanded: new Set() });

    // 1 CEO + 5 chiefs + 15 managers stay; every specialist column becomes one card.
    expect(folded.nodes).toHaveLength(21);
    expect(folded.groups).toHaveLength(15);
    expect(folded.groups.reduce((n, g) => n + g.members.length, 0)).toBe(179);
    expect(folded.hiddenIn.get('specialist_0')).toBe('manager_0');
    expect(folded.height).toBeLessThan(full.height / 3);
    const group = folded.groups.find((g) => g.manager === 'manager_0')!;
    const manager = folded.byName.get('manager_0')!;
    expect(group.y).toBeGreaterThan(manager.y + H);
    expect(folded.edges.some((e) => e.source === 'manager_0' && e.target === group.id)).toBe(true);

    const opened = layoutOrgChart(tree, ORG_CHART_SIZE, { minSize: 3, expanded: new Set(['manager_0']) });
    expect(opened.byName.get('specialist_0')?.stacked).toBe(true);
    expect(opened.groups.map((g) => g.manager)).not.toContain('manager_0');
    expect(firstOverlap(opened)).toBeNull();
  });

  it('should keep short columns open when they have fewer specialists than the fold size', () => {
    const tree = buildOrgTree([
      agent({ name: 'ceo', type: 'orchestrator' }),
      agent({ name: 'cfo', type: 'orchestrator', reportsTo: 'ceo' }),
      agent({ name: 'recruiter', reportsTo: 'cfo' }),
    ]);
    const chart = layoutOrgChart(tree, ORG_CHART_SIZE, { minSize: 3, expanded: new Set() });
    expect(chart.groups).toEqual([]);
    expect(chart.byName.has('recruiter')).toBe(true);
  });
});

describe('createOrgLayoutMemo', () => {
  it('should return the same layout when only statuses or titles changed', () => {
    const memo = createOrgLayoutMemo();
    const agents = company(40);
    const first = memo(buildOrgTree(agents));
    const retitled = agents.map((a) => ({ ...a, title: `${a.title}!`, status: 'busy' as const, currentLoad: 1 }));
    expect(memo(buildOrgTree(retitled))).toBe(first);
  });

  it('should lay out again when an agent is added or moves to another manager', () => {
    const memo = createOrgLayoutMemo();
    const agents = company(40);
    const first = memo(buildOrgTree(agents));
    const grown = memo(buildOrgTree([...agents, agent({ name: 'churn_analyst', reportsTo: 'manager_3' })]));
    expect(grown).not.toBe(first);
    expect(grown.byName.has('churn_analyst')).toBe(true);
    const moved = memo(
      buildOrgTree(agents.map((a) => (a.name === 'specialist_0' ? { ...a, reportsTo: 'manager_1' } : a))),
    );
    expect(moved).not.toBe(grown);
  });
});

describe('moveFocus', () => {
  const chart = layoutOrgChart(
    buildOrgTree([
      agent({ name: 'ceo', type: 'orchestrator' }),
      agent({ name: 'cfo', title: 'CFO', type: 'orchestrator', reportsTo: 'ceo' }),
      agent({ name: 'cto', title: 'CTO', type: 'orchestrator', reportsTo: 'ceo' }),
      agent({ name: 'analyst', title: 'Analyst', reportsTo: 'cfo' }),
      agent({ name: 'bookkeeper', title: 'Bookkeeper', reportsTo: 'cfo' }),
    ]),
  );

  it('should go down to the first report and up to the manager when on a row', () => {
    expect(moveFocus(chart, 'ceo', 'ArrowDown')).toBe('cfo');
    expect(moveFocus(chart, 'cfo', 'ArrowUp')).toBe('ceo');
    expect(moveFocus(chart, 'ceo', 'ArrowUp')).toBeNull();
    expect(moveFocus(chart, 'cto', 'ArrowDown')).toBeNull();
  });

  it('should move between colleagues in on-screen order when Left or Right is pressed', () => {
    expect(moveFocus(chart, 'cfo', 'ArrowRight')).toBe('cto');
    expect(moveFocus(chart, 'cto', 'ArrowLeft')).toBe('cfo');
    expect(moveFocus(chart, 'cto', 'ArrowRight')).toBeNull();
  });

  it('should follow a stacked column with Up and Down and leave it upwards to the manager', () => {
    expect(moveFocus(chart, 'cfo', 'ArrowDown')).toBe('analyst');
    expect(moveFocus(chart, 'analyst', 'ArrowDown')).toBe('bookkeeper');
    expect(moveFocus(chart, 'bookkeeper', 'ArrowDown')).toBeNull();
    expect(moveFocus(chart, 'bookkeeper', 'ArrowUp')).toBe('analyst');
    expect(moveFocus(chart, 'analyst', 'ArrowUp')).toBe('cfo');
  });

  it('should jump to the top of the organisation when Home is pressed', () => {
    expect(moveFocus(chart, 'bookkeeper', 'Home')).toBe('ceo');
    expect(moveFocus(chart, 'nobody', 'Home')).toBeNull();
  });
});
