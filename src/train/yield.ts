/**
 * Lets timers, I/O and UI events run between training steps (so an AbortSignal from a timer, or a
 * browser's rendering, gets its turn). Uses setImmediate where it exists (Node), else a zero timeout.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (immediate) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}
