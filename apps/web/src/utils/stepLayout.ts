import { Graph, layout } from '@dagrejs/dagre';

/** Step cards in flow coordinates; the graph draws them at exactly this size. */
export const STEP_NODE = { width: 216, height: 76, gapX: 56, gapY: 18 } as const;

/** The smallest text on a card, in px at zoom 1: the zoom below which the graph is not readable follows from it. */
export const STEP_SMALLEST_TEXT_PX = 13;
/** Text of at least 12 px on screen (rounded up, so the smallest text is never 11.99 px). */
export const READABLE_ZOOM = Math.ceil((12 / STEP_SMALLEST_TEXT_PX) * 100) / 100;

export interface StepLayoutItem {
  key: string;
  dependsOn: readonly string[];
}

export interface PlacedStep {
  key: string;
  /** Top-left corner. */
  x: number;
  y: number;
}

export interface StepEdge {
  id: string;
  source: string;
  target: string;
  /** A curve from the right edge of the source card to the left edge of the target card. */
  path: string;
}

export interface StepLayout {
  nodes: PlacedStep[];
  edges: StepEdge[];
  byKey: ReadonlyMap<string, PlacedStep>;
  /** Reading order: left to right, then top to bottom (Home/End, Tab). */
  order: readonly string[];
  /** Each step's dependencies and dependents that are drawn, in reading order. */
  before: ReadonlyMap<string, readonly string[]>;
  after: ReadonlyMap<string, readonly string[]>;
  width: number;
  height: number;
}

/** Left-to-right layered layout (dagre) of the steps; dependencies outside `items` are not drawn. */
export function layoutSteps(items: readonly StepLayoutItem[]): StepLayout {
  const { width: W, height: H, gapX, gapY } = STEP_NODE;
  const keys = new Set(items.map((i) => i.key));
  const graph = new Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: gapY, ranksep: gapX, marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const item of items) graph.setNode(item.key, { width: W, height: H });
  const direct = new Map(
    items.map((i) => [i.key, [...new Set(i.dependsOn)].filter((d) => keys.has(d) && d !== i.key)]),
  );
  const links: [string, string][] = [];
  for (const item of items)
    for (const dep of direct.get(item.key)!)
      if (!reachableWithout(direct, item.key, dep)) {
        graph.setEdge(dep, item.key);
        links.push([dep, item.key]);
      }
  layout(graph);

  const nodes: PlacedStep[] = items.map((item) => {
    const centre = graph.node(item.key) as { x: number; y: number };
    return { key: item.key, x: Math.round(centre.x - W / 2), y: Math.round(centre.y - H / 2) };
  });
  const minX = Math.min(0, ...nodes.map((n) => n.x));
  const minY = Math.min(0, ...nodes.map((n) => n.y));
  for (const n of nodes) {
    n.x -= minX;
    n.y -= minY;
  }
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const order = [...nodes].sort((a, b) => a.x - b.x || a.y - b.y).map((n) => n.key);
  const rank = new Map(order.map((k, i) => [k, i]));
  const byOrder = (a: string, b: string) => rank.get(a)! - rank.get(b)!;

  const before = new Map<string, string[]>(items.map((i) => [i.key, []]));
  const after = new Map<string, string[]>(items.map((i) => [i.key, []]));
  const edges = links.map(([source, target]): StepEdge => {
    before.get(target)!.push(source);
    after.get(source)!.push(target);
    const s = byKey.get(source)!;
    const t = byKey.get(target)!;
    const x1 = s.x + W;
    const y1 = s.y + H / 2;
    const x2 = t.x;
    const y2 = t.y + H / 2;
    const bend = Math.max(24, (x2 - x1) / 2);
    return {
      id: `${source}->${target}`,
      source,
      target,
      path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
    };
  });
  for (const list of [...before.values(), ...after.values()]) list.sort(byOrder);

  return {
    nodes,
    edges,
    byKey,
    order,
    before,
    after,
    width: Math.max(0, ...nodes.map((n) => n.x + W)),
    height: Math.max(0, ...nodes.map((n) => n.y + H)),
  };
}

/**
 * Whether `target` waits for `dep` through another of its dependencies too. Such an edge says
 * nothing the others do not (a step of a subproject waits for every step of the one before it),
 * so it is not drawn: the picture shows the order, not every pair.
 */
function reachableWithout(direct: ReadonlyMap<string, string[]>, target: string, dep: string): boolean {
  const seen = new Set<string>();
  const stack = direct.get(target)!.filter((d) => d !== dep);
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (key === dep) return true;
    if (seen.has(key)) continue;
    seen.add(key);
    stack.push(...(direct.get(key) ?? []));
  }
  return false;
}

export type StepGraphKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End';

/**
 * Keyboard moves through the graph: Left to the step it waits for, Right to the first step that
 * waits for it, Up and Down to the card above or below in the same column, Home and End to the
 * first and last step in reading order.
 */
export function moveStepFocus(graph: StepLayout, key: string, move: StepGraphKey): string | null {
  const here = graph.byKey.get(key);
  if (!here) return null;
  const column = graph.nodes.filter((n) => n.x === here.x).sort((a, b) => a.y - b.y);
  const at = column.findIndex((n) => n.key === key);
  switch (move) {
    case 'Home':
      return graph.order[0] ?? null;
    case 'End':
      return graph.order.at(-1) ?? null;
    case 'ArrowLeft':
      return graph.before.get(key)?.[0] ?? null;
    case 'ArrowRight':
      return graph.after.get(key)?.[0] ?? null;
    case 'ArrowUp':
      return column[at - 1]?.key ?? null;
    case 'ArrowDown':
      return column[at + 1]?.key ?? null;
  }
}
