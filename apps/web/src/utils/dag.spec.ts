import { describe, expect, it } from 'vitest';
import { layoutDag, stackedDag, wrapLabel } from './dag';

const SIZE = { nodeWidth: 100, nodeHeight: 40, gapX: 10, gapY: 10 };
const item = (id: string, dependsOn: string[] = []) => ({ id, dependsOn });
// a → b, c, d, e (four in parallel) → f
const WIDE = [
  item('a'),
  item('b', ['a']),
  item('c', ['a']),
  item('d', ['a']),
  item('e', ['a']),
  item('f', ['b', 'c', 'd', 'e']),
];

describe('wrapLabel', () => {
  it('should keep the whole name, broken between words', () => {
    const name = 'Security and technical risk review of the vendor';
    const lines = wrapLabel(name, 20);
    expect(lines.join(' ')).toBe(name);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
  });

  it('should split a word longer than a line', () => {
    expect(wrapLabel('Internationalisation', 8)).toEqual(['Internat', 'ionalisa', 'tion']);
  });
});

describe('stackedDag', () => {
  it('should never be wider than the room it is given, wrapping a wide stage into rows', () => {
    const room = 230;
    const dag = stackedDag(WIDE, SIZE, room);
    expect(dag.width).toBeLessThanOrEqual(room);
    expect(Math.max(...dag.nodes.map((n) => n.x + SIZE.nodeWidth))).toBeLessThanOrEqual(room);
    expect(Math.max(...dag.nodes.map((n) => n.y + SIZE.nodeHeight))).toBeLessThanOrEqual(dag.height);
    const y = (id: string) => dag.nodes.find((n) => n.item.id === id)!.y;
    // Stages go down: every step is below what it waits for.
    expect(y('b')).toBeGreaterThan(y('a'));
    expect(y('f')).toBeGreaterThan(Math.max(y('b'), y('c'), y('d'), y('e')));
    expect(dag.edges).toHaveLength(layoutDag(WIDE, SIZE).edges.length);
  });
});
