import { describe, expect, it } from 'vitest';
import { layoutSteps, moveStepFocus, READABLE_ZOOM, STEP_NODE, STEP_SMALLEST_TEXT_PX } from './stepLayout';

// research → (roi, risk) → budget; `other` stands alone.
const ITEMS = [
  { key: 'research', dependsOn: [] },
  { key: 'roi', dependsOn: ['research'] },
  { key: 'risk', dependsOn: ['research', 'elsewhere'] },
  { key: 'budget', dependsOn: ['roi', 'risk'] },
];

describe('layoutSteps', () => {
  it('should lay the steps out left to right, each after what it waits for, without overlaps', () => {
    const layout = layoutSteps(ITEMS);
    const at = (key: string) => layout.byKey.get(key)!;
    expect(at('roi').x).toBeGreaterThan(at('research').x + STEP_NODE.width);
    expect(at('budget').x).toBeGreaterThan(at('risk').x + STEP_NODE.width);
    expect(at('roi').x).toBe(at('risk').x);
    expect(Math.abs(at('roi').y - at('risk').y)).toBeGreaterThanOrEqual(STEP_NODE.height);
    // A dependency outside the group is not drawn.
    expect(layout.edges.map((e) => e.id).sort()).toEqual(
      ['research->risk', 'research->roi', 'risk->budget', 'roi->budget'].sort(),
    );
    expect(layout.width).toBe(at('budget').x + STEP_NODE.width);
    expect(layout.order[0]).toBe('research');
    expect(layout.order.at(-1)).toBe('budget');
  });

  it('should call text of at least 12 px readable', () => {
    expect(STEP_SMALLEST_TEXT_PX * READABLE_ZOOM).toBeGreaterThanOrEqual(12);
    expect(STEP_SMALLEST_TEXT_PX * READABLE_ZOOM).toBeLessThan(12.2);
  });
});

describe('layoutSteps: implied dependencies', () => {
  it('should not draw an edge that another path already implies', () => {
    const layout = layoutSteps([
      { key: 'a', dependsOn: [] },
      { key: 'b', dependsOn: ['a'] },
      { key: 'c', dependsOn: ['a', 'b'] },
    ]);
    expect(layout.edges.map((e) => e.id)).toEqual(['a->b', 'b->c']);
    expect(layout.before.get('c')).toEqual(['b']);
  });
});

describe('moveStepFocus', () => {
  const layout = layoutSteps(ITEMS);
  const [upper, lower] = [...['roi', 'risk']].sort((a, b) => layout.byKey.get(a)!.y - layout.byKey.get(b)!.y);

  it('should follow dependencies with Left and Right and the column with Up and Down', () => {
    expect(moveStepFocus(layout, 'research', 'ArrowRight')).toBe(upper);
    expect(moveStepFocus(layout, 'budget', 'ArrowLeft')).toBe(upper);
    expect(moveStepFocus(layout, upper!, 'ArrowDown')).toBe(lower);
    expect(moveStepFocus(layout, lower!, 'ArrowUp')).toBe(upper);
    expect(moveStepFocus(layout, upper!, 'ArrowUp')).toBeNull();
    expect(moveStepFocus(layout, 'research', 'ArrowLeft')).toBeNull();
  });

  it('should go to the first and last step with Home and End', () => {
    expect(moveStepFocus(layout, 'roi', 'Home')).toBe('research');
    expect(moveStepFocus(layout, 'roi', 'End')).toBe('budget');
  });
});
