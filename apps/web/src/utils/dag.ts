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

/**
 * The same DAG top to bottom for a narrow space: one band per dependency depth, each band's
 * nodes in as many rows as the width needs, so the picture is never wider than `maxWidth`.
 */
export function stackedDag<T extends DagItem>(items: T[], size: DagSize, maxWidth: number): DagLayout<T> {
  const { nodeWidth, nodeHeight, gapX, gapY } = size;
  const perRow = Math.max(1, Math.floor((maxWidth + gapX) / (nodeWidth + gapX)));
  const depth = stepLayers(items);
  const bands = new Map<number, T[]>();
  for (const item of orderSteps(items)) {
    const band = depth.get(item.id) ?? 0;
    bands.set(band, [...(bands.get(band) ?? []), item]);
  }
  const nodes = new Map<string, DagNode<T>>();
  let y = 0;
  for (const band of [...bands.keys()].sort((a, b) => a - b)) {
    const members = bands.get(band)!;
    members.forEach((item, i) => {
      const row = Math.floor(i / perRow);
      nodes.set(item.id, {
        item,
        column: band,
        x: (i % perRow) * (nodeWidth + gapX),
        y: y + row * (nodeHeight + gapY / 2),
      });
    });
    y += Math.ceil(members.length / perRow) * (nodeHeight + gapY / 2) - gapY / 2 + gapY * 1.5;
  }
  const edges = [...nodes.values()].flatMap((to) =>
    to.item.dependsOn
      .map((id) => nodes.get(id))
      .filter((from): from is DagNode<T> => from !== undefined)
      .map((from) => {
        const x1 = from.x + nodeWidth / 2;
        const y1 = from.y + nodeHeight;
        const x2 = to.x + nodeWidth / 2;
        const y2 = to.y;
        const mid = (y1 + y2) / 2;
        return {
          key: `${from.item.id}->${to.item.id}`,
          from: from.item,
          to: to.item,
          d: `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`,
        };
      }),
  );
  const used = Math.min(perRow, Math.max(1, ...[...bands.values()].map((b) => b.length)));
  return {
    nodes: [...nodes.values()],
    edges,
    width: used * (nodeWidth + gapX) - gapX,
    height: Math.max(nodeHeight, y - gapY * 1.5),
    columns: bands.size,
  };
}

/** A name in lines of at most `max` characters, broken between words (a longer word is split). */
export function wrapLabel(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const parts = word.match(new RegExp(`.{1,${Math.max(1, max)}}`, 'gu')) ?? [word];
    for (const part of parts) {
      if (line && line.length + 1 + part.length > max) {
        lines.push(line);
        line = part;
      } else line = line ? `${line} ${part}` : part;
    }
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}
