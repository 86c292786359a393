import { Graph, layout } from '@dagrejs/dagre';
import type { OrgNode } from './orgTree';

/** Card and spacing sizes in flow coordinates; the chart renders cards at exactly this size. */
export interface OrgChartSize {
  nodeWidth: number;
  nodeHeight: number;
  /** Horizontal space between neighbours on one level. */
  gapX: number;
  /** Vertical space between a manager and its reports. */
  gapY: number;
  /** Vertical space between stacked specialists. */
  stackGap: number;
  /** How far stacked specialists sit right of their column's connector line. */
  stackIndent: number;
}

export const ORG_CHART_SIZE: OrgChartSize = {
  nodeWidth: 232,
  nodeHeight: 108,
  gapX: 32,
  gapY: 64,
  stackGap: 14,
  stackIndent: 28,
};

export interface PlacedAgent {
  name: string;
  parent: string | null;
  /** Top-left corner. */
  x: number;
  y: number;
  depth: number;
  /** A specialist drawn in a column under its manager (entered from the left, not the top). */
  stacked: boolean;
}

export interface OrgEdge {
  id: string;
  source: string;
  target: string;
  /** Orthogonal connector in flow coordinates: down from the manager, across, down, into the card. */
  path: string;
}

/** A manager's column of specialists drawn as one card with their count, until it is expanded. */
export interface PlacedGroup {
  /** `group:<manager>`: the node id of the card. */
  id: string;
  manager: string;
  /** The specialists it stands for, in tree order. */
  members: readonly string[];
  x: number;
  y: number;
}

/** Which specialist columns fold into a count card: those at least `minSize` tall, unless expanded. */
export interface OrgCollapse {
  minSize: number;
  expanded: ReadonlySet<string>;
}

export interface OrgLayout {
  /** Identifies the structure laid out: same key, same picture. */
  key: string;
  nodes: PlacedAgent[];
  /** Folded specialist columns (none unless the layout was asked to fold). */
  groups: PlacedGroup[];
  /** For each specialist in a folded column, its manager. */
  hiddenIn: ReadonlyMap<string, string>;
  edges: OrgEdge[];
  byName: ReadonlyMap<string, PlacedAgent>;
  /** Each agent's reports in on-screen order (left to right, then top to bottom). */
  children: ReadonlyMap<string | null, readonly string[]>;
  width: number;
  height: number;
}

const isStacked = (node: OrgNode, parent: OrgNode | null): boolean =>
  parent !== null && node.children.length === 0 && node.agent.type !== 'orchestrator';

/** The structure that decides the picture; titles, statuses and loads do not move anything. */
export function orgStructureKey(roots: readonly OrgNode[]): string {
  const parts: string[] = [];
  const walk = (node: OrgNode, parent: OrgNode | null): void => {
    parts.push(`${node.agent.name}<${parent?.agent.name ?? ''}${isStacked(node, parent) ? '|s' : ''}`);
    for (const child of node.children) walk(child, node);
  };
  for (const root of roots) walk(root, null);
  return parts.join(',');
}

/**
 * Lays the hierarchy out top-down: executives and managers in rows (placed by dagre), and the
 * specialists of each manager stacked in one column beneath it, so 150 specialists make a few
 * tall columns instead of one row forty thousand pixels wide. Dagre only sees managers and one
 * block per column, which keeps it to a few dozen nodes for a 200-agent company.
 */
export function layoutOrgChart(
  roots: readonly OrgNode[],
  size: OrgChartSize = ORG_CHART_SIZE,
  collapse: OrgCollapse | null = null,
): OrgLayout {
  const { nodeWidth, nodeHeight, gapX, gapY, stackGap, stackIndent } = size;
  const graph = new Graph();
  graph.setGraph({ rankdir: 'TB', nodesep: gapX, ranksep: gapY, rankalign: 'top', marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));

  const stacks = new Map<string, OrgNode[]>();
  const folded = new Map<string, OrgNode[]>();
  const rowNodes: Array<{ node: OrgNode; parent: OrgNode | null }> = [];
  /** Every dagre node with the dagre node above it in the tree. */
  const boxes: Array<{ id: string; above: string | null }> = [];
  const walk = (node: OrgNode, parent: OrgNode | null): void => {
    rowNodes.push({ node, parent });
    boxes.push({ id: node.agent.name, above: parent?.agent.name ?? null });
    graph.setNode(node.agent.name, { width: nodeWidth, height: nodeHeight });
    if (parent) graph.setEdge(parent.agent.name, node.agent.name);
    const stacked = node.children.filter((child) => isStacked(child, node));
    const fold = collapse !== null && stacked.length >= collapse.minSize && !collapse.expanded.has(node.agent.name);
    if (fold) folded.set(node.agent.name, stacked);
    if (stacked.length > 0) {
      if (!fold) stacks.set(node.agent.name, stacked);
      const rows = fold ? 1 : stacked.length;
      const height = rows * nodeHeight + (rows - 1) * stackGap;
      graph.setNode(stackId(node.agent.name), { width: nodeWidth + stackIndent, height });
      graph.setEdge(node.agent.name, stackId(node.agent.name));
      boxes.push({ id: stackId(node.agent.name), above: node.agent.name });
    }
    for (const child of node.children) if (!isStacked(child, node)) walk(child, node);
  };
  for (const root of roots) walk(root, null);
  // A tree has no crossings to minimise: keep the insertion (tree) order and skip the costly sweeps.
  layout(graph, { disableOptimalOrderHeuristic: true });

  const nodes: PlacedAgent[] = [];
  const edges: OrgEdge[] = [];
  const centre = (id: string) => graph.node(id) as { x: number; y: number; width: number; height: number };
  const tops = compactTops(boxes, centre, gapY);
  for (const { node, parent } of rowNodes) {
    const c = centre(node.agent.name);
    nodes.push({
      name: node.agent.name,
      parent: parent?.agent.name ?? null,
      x: c.x - nodeWidth / 2,
      y: tops.get(node.agent.name)!,
      depth: node.depth,
      stacked: false,
    });
  }
  for (const [manager, column] of stacks) {
    const block = centre(stackId(manager));
    const left = block.x - block.width / 2 + stackIndent;
    const top = tops.get(stackId(manager))!;
    column.forEach((child, i) => {
      nodes.push({
        name: child.agent.name,
        parent: manager,
        x: left,
        y: top + i * (nodeHeight + stackGap),
        depth: child.depth,
        stacked: true,
      });
    });
  }

  const groups: PlacedGroup[] = [];
  const hiddenIn = new Map<string, string>();
  for (const [manager, column] of folded) {
    const block = centre(stackId(manager));
    const group: PlacedGroup = {
      id: groupId(manager),
      manager,
      members: column.map((child) => child.agent.name),
      x: block.x - block.width / 2 + stackIndent,
      y: tops.get(stackId(manager))!,
    };
    groups.push(group);
    for (const name of group.members) hiddenIn.set(name, manager);
  }

  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const g of groups) {
    const p = byName.get(g.manager)!;
    const sx = p.x + nodeWidth / 2;
    const sy = p.y + nodeHeight;
    const turn = sy + gapY / 2;
    edges.push({
      id: `${p.name}->${g.id}`,
      source: p.name,
      target: g.id,
      path: `M${sx},${sy} V${turn} H${g.x - stackIndent / 2} V${g.y + nodeHeight / 2} H${g.x}`,
    });
  }
  for (const n of nodes) {
    const p = n.parent === null ? undefined : byName.get(n.parent);
    if (!p) continue;
    const sx = p.x + nodeWidth / 2;
    const sy = p.y + nodeHeight;
    const turn = sy + gapY / 2;
    const path = n.stacked
      ? `M${sx},${sy} V${turn} H${n.x - stackIndent / 2} V${n.y + nodeHeight / 2} H${n.x}`
      : `M${sx},${sy} V${turn} H${n.x + nodeWidth / 2} V${n.y}`;
    edges.push({ id: `${p.name}->${n.name}`, source: p.name, target: n.name, path });
  }

  const key = collapse ? `${orgStructureKey(roots)}#${[...folded.keys()].sort().join(',')}` : orgStructureKey(roots);
  return {
    key,
    nodes,
    groups,
    hiddenIn,
    edges,
    byName,
    children: childOrder(nodes),
    ...bounds([...nodes, ...groups], size),
  };
}

const stackId = (manager: string) => `stack:${manager}`;
export const groupId = (manager: string) => `group:${manager}`;

/**
 * Dagre puts every box of a level in one row as tall as its tallest box, so a manager in the
 * row of a long column of specialists would hang far below its own manager. Boxes move up to
 * just below the box above them in the tree, then down again past anything they would touch.
 */
function compactTops(
  boxes: ReadonlyArray<{ id: string; above: string | null }>,
  centre: (id: string) => { x: number; y: number; width: number; height: number },
  gapY: number,
): Map<string, number> {
  const placed: Array<{ left: number; right: number; top: number; bottom: number }> = [];
  const bottoms = new Map<string, number>();
  const tops = new Map<string, number>();
  const ordered = boxes
    .map((b) => ({ ...b, c: centre(b.id) }))
    .sort((a, b) => a.c.y - a.c.height / 2 - (b.c.y - b.c.height / 2) || a.c.x - b.c.x);
  for (const { id, above, c } of ordered) {
    const left = c.x - c.width / 2;
    const right = c.x + c.width / 2;
    let top = above === null ? c.y - c.height / 2 : bottoms.get(above)! + gapY;
    for (let moved = true; moved;) {
      moved = false;
      for (const p of placed) {
        if (left < p.right && p.left < right && top < p.bottom + gapY && p.top < top + c.height + gapY) {
          top = p.bottom + gapY;
          moved = true;
        }
      }
    }
    placed.push({ left, right, top, bottom: top + c.height });
    bottoms.set(id, top + c.height);
    tops.set(id, top);
  }
  return tops;
}

function childOrder(nodes: readonly PlacedAgent[]): Map<string | null, string[]> {
  const out = new Map<string | null, PlacedAgent[]>();
  for (const n of nodes) out.set(n.parent, [...(out.get(n.parent) ?? []), n]);
  return new Map(
    [...out].map(([parent, list]) => [parent, list.sort((a, b) => a.x - b.x || a.y - b.y).map((n) => n.name)]),
  );
}

function bounds(nodes: ReadonlyArray<{ x: number; y: number }>, size: OrgChartSize): { width: number; height: number } {
  let width = 0;
  let height = 0;
  for (const n of nodes) {
    width = Math.max(width, n.x + size.nodeWidth);
    height = Math.max(height, n.y + size.nodeHeight);
  }
  return { width, height };
}

/**
 * Remembers the last layout and hands it back while the structure is unchanged: a registry
 * reload that only edits descriptions, or an agent summary replaced by the Workforce view,
 * must not move a single card.
 */
export function createOrgLayoutMemo(
  size: OrgChartSize = ORG_CHART_SIZE,
): (roots: readonly OrgNode[], collapse?: OrgCollapse | null) => OrgLayout {
  let last: OrgLayout | null = null;
  let lastInput: { structure: string; collapse: OrgCollapse | null } | null = null;
  return (roots, collapse = null) => {
    const structure = orgStructureKey(roots);
    if (last && lastInput && lastInput.structure === structure && lastInput.collapse === collapse) return last;
    lastInput = { structure, collapse };
    last = layoutOrgChart(roots, size, collapse);
    return last;
  };
}

export type ChartKey = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight' | 'Home';

/**
 * Where a key moves the focus from `name`: Up to the manager, Down to the first report,
 * Left/Right to the previous/next colleague with the same manager. In a stacked column Up and
 * Down follow the column as drawn (Up from its top card goes to the manager).
 */
export function moveFocus(chart: OrgLayout, name: string, key: ChartKey): string | null {
  const here = chart.byName.get(name);
  if (!here) return null;
  const siblings = chart.children.get(here.parent) ?? [];
  const at = siblings.indexOf(name);
  const sibling = (step: number) => siblings[at + step] ?? null;
  const column = (step: number) => {
    const next = sibling(step);
    return next !== null && chart.byName.get(next)?.stacked ? next : null;
  };
  switch (key) {
    case 'Home':
      return chart.children.get(null)?.[0] ?? null;
    case 'ArrowLeft':
      return sibling(-1);
    case 'ArrowRight':
      return sibling(1);
    case 'ArrowUp':
      return (here.stacked ? column(-1) : null) ?? here.parent;
    case 'ArrowDown':
      return here.stacked ? column(1) : (chart.children.get(name)?.[0] ?? null);
  }
}
