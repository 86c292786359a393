import { vi } from 'vitest';
import { ORG_CHART_SIZE } from '../utils/orgLayout';

/**
 * happy-dom has no layout: every element measures 0×0, so Vue Flow would take its pane for
 * 500×500 and could not tell which cards are in view. Tests give the pane a size and cards the
 * size the chart draws them at.
 */
export function stubFlowLayout(pane = { width: 1200, height: 800 }): void {
  const size = (el: HTMLElement, axis: 'width' | 'height'): number => {
    if (el.classList.contains('vue-flow__node'))
      return axis === 'width' ? ORG_CHART_SIZE.nodeWidth : ORG_CHART_SIZE.nodeHeight;
    if (el.classList.contains('vue-flow__viewport')) return pane[axis];
    return 0;
  };
  vi.spyOn(HTMLElement.prototype, 'offsetWidth', 'get').mockImplementation(function (this: HTMLElement) {
    return size(this, 'width');
  });
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return size(this, 'height');
  });
}

/** Reports `prefers-reduced-motion: reduce`, so the chart moves its view at once instead of animating. */
export function preferReducedMotion(): void {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: query.includes('prefers-reduced-motion: reduce'),
    media: query,
    onchange: null,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    addListener: () => undefined,
    removeListener: () => undefined,
    dispatchEvent: () => false,
  }));
}
