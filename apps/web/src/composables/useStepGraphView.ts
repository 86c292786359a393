import type { VueFlowStore } from '@vue-flow/core';
import type { Ref } from 'vue';
import { READABLE_ZOOM, STEP_NODE, type StepLayout } from '../utils/stepLayout';

/** Space around the step graph inside its pane, in screen px. */
export const STEP_GRAPH_PAD = 16;

const { width: W, height: H } = STEP_NODE;
const PAD = STEP_GRAPH_PAD;

/** Animated moves, unless the person asked the system for less motion. */
const motion = (ms: number) => (window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ? 0 : ms);

/**
 * Where the step graph looks: the whole graph when its text stays readable, else the step that
 * needs a person at a readable zoom; moving to a step, zooming, showing everything.
 */
export function useStepGraphView(flow: VueFlowStore, layout: Ref<StepLayout>, attention: () => string | null) {
  function inView(key: string): boolean {
    const placed = layout.value.byKey.get(key);
    if (!placed) return false;
    const { x, y, zoom } = flow.viewport.value;
    const { width, height } = flow.dimensions.value;
    const left = placed.x * zoom + x;
    const top = placed.y * zoom + y;
    return left >= 0 && top >= 0 && left + W * zoom <= width && top + H * zoom <= height;
  }

  /** The zoom at which the whole graph fits the pane (never above full size). */
  function fitZoom(): number {
    const { width, height } = flow.dimensions.value;
    const l = layout.value;
    if (l.width === 0 || width === 0) return 1;
    return Math.min(1, (width - 2 * PAD) / l.width, (height - 2 * PAD) / l.height);
  }

  async function showAll(duration = motion(250)): Promise<void> {
    const { width, height } = flow.dimensions.value;
    const zoom = fitZoom();
    const l = layout.value;
    await flow.setViewport({ x: (width - l.width * zoom) / 2, y: (height - l.height * zoom) / 2, zoom }, { duration });
  }

  /** Centres a step; when the whole graph is not as tall as the pane, it stays centred top to bottom. */
  async function showStep(key: string, zoom: number, duration = motion(250)): Promise<void> {
    const placed = layout.value.byKey.get(key);
    if (!placed) return;
    const { width, height } = flow.dimensions.value;
    const tall = layout.value.height * zoom;
    const y = tall <= height - 2 * PAD ? (height - tall) / 2 : height / 2 - (placed.y + H / 2) * zoom;
    await flow.setViewport({ x: width / 2 - (placed.x + W / 2) * zoom, y, zoom }, { duration });
  }

  const zoomBy = (factor: number) =>
    flow.zoomTo(Math.min(1.5, Math.max(0.1, flow.viewport.value.zoom * factor)), { duration: motion(150) });

  /** Whole when readable (text ≥ 12 px); otherwise readable, on the step that needs a person (or the first). */
  async function showInitialView(): Promise<void> {
    if (layout.value.order.length === 0) return;
    if (fitZoom() >= READABLE_ZOOM) return showAll(0);
    const key = attention() ?? layout.value.order[0]!;
    // As much around it as stays readable.
    const zoom = READABLE_ZOOM;
    if (attention()) return showStep(key, zoom, 0);
    // Nothing waits for a person: start at the beginning, left-aligned.
    const placed = layout.value.byKey.get(key)!;
    await flow.setViewport({ x: PAD - placed.x * zoom, y: PAD - placed.y * zoom, zoom }, { duration: 0 });
  }

  return { inView, fitZoom, showAll, showStep, zoomBy, showInitialView };
}
