/**
 * Hands control back to the event loop for a moment, so that progress bars, UIs and abort
 * signals get a turn during a long synchronous computation. Uses `setImmediate` where it
 * exists (Node: no 1 ms timer clamp), else a `MessageChannel` message (browsers: not clamped
 * either), else `setTimeout(0)`.
 */
export function yieldToEventLoop(): Promise<void> {
  const scope = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (typeof scope.setImmediate === 'function') {
    const setImmediate = scope.setImmediate;
    return new Promise((resolve) => {
      setImmediate(resolve);
    });
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
