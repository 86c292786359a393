import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

/**
 * A button that shows and hides a panel (the WAI-ARIA disclosure pattern): Escape closes it and
 * gives focus back to the button, and so does a click outside `root`.
 */
export function useDisclosure(root: Ref<HTMLElement | null>, toggleButton: () => HTMLElement | null | undefined) {
  const open = ref(false);

  function close(options: { refocus?: boolean } = {}): void {
    if (!open.value) return;
    open.value = false;
    if (options.refocus) toggleButton()?.focus();
  }

  function onPointerDown(event: PointerEvent): void {
    if (root.value && !root.value.contains(event.target as Node)) close();
  }
  function onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') close({ refocus: true });
  }

  function listen(on: boolean): void {
    if (on) {
      document.addEventListener('pointerdown', onPointerDown);
      document.addEventListener('keydown', onKeydown);
    } else {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeydown);
    }
  }

  watch(open, listen);
  onBeforeUnmount(() => listen(false));

  return { open, close, toggle: () => (open.value = !open.value) };
}
