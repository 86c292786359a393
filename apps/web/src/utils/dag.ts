import { orderSteps, stepLayers, type DagItem } from './plan';

export interface DagSize {
  nodeWidth: number;
  nodeHeight: number;
  gapX: number;
  gapY: number;
}

export interface DagNode<T extends DagItem> {
  item: T;
  x: number;
  y: number;
  column: number;
}

export interface DagEdge<T extends DagItem> {
  key: string;
  from: T;
  to: T;
  /** A cubic curve from the right edge of `from` to the left edge of `to`. */
  d: string;
}

export interface DagLayout<T extends DagItem> {
  nodes: DagNode<T>[];
  edges: DagEdge<T>[];
  width: number;
  height: number;
  columns: number;
}

/** Columns by dependency depth, rows in dependency order: a left-to-right picture of a DAG. */
export function layoutDag<T extends DagItem>(items: T[], size: DagSize): DagLayout<T> {
  const { nodeWidth, nodeHeight, gapX, gapY } = size;
  const depth = stepLayers(items);
  const rows = new Map<number, number>();
  const nodes = new Map<string, DagNode<T>>();
  for (const item of orderSteps(items)) {
    const column = depth.get(item.id) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    nodes.set(item.id, { item, column, x: column * (nodeWidth + gapX), y: row * (nodeHeight + gapY) });
  }
  const columns = Math.max(1, ...[...rows.keys()].map((c) => c + 1));
  const height = Math.max(1, ...rows.values()) * (nodeHeight + gapY) - gapY;
  const edges = [...nodes.values()].flatMap((to) =>
    to.item.dependsOn
      .map((id) => nodes.get(id))
      .filter((from): from is DagNode<T> => from !== undefined)
      .map((from) => {
        const x1 = from.x + nodeWidth;
        const y1 = from.y + nodeHeight / 2;
        const x2 = to.x;
        const y2 = to.y + nodeHeight / 2;
        const mid = (x1 + x2) / 2;
        return {
          key: `${from.item.id}->${to.item.id}`,
          from: from.item,
          to: to.item,
          d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
        };
      }),
  );
  return { nodes: [...nodes.values()], edges, width: columns * (nodeWidth + gapX) - gapX, height, columns };
}
