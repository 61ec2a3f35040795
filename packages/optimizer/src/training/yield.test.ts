import { afterEach, describe, expect, it } from 'vitest';
import { yieldToEventLoop } from './yield.js';

const scope = globalThis as Record<string, unknown>;
const saved = { setImmediate: scope.setImmediate, MessageChannel: scope.MessageChannel };

afterEach(() => {
  scope.setImmediate = saved.setImmediate;
  scope.MessageChannel = saved.MessageChannel;
});

/** Resolves to true when a timer queued before the yield ran before it resolved. */
async function timerRanDuringYield(): Promise<boolean> {
  let ran = false;
  setTimeout(() => {
    ran = true;
  }, 0);
  // Yield until the timer had its turn (setImmediate/MessageChannel are not clamped, the
  // 0 ms timer may need ~1 ms), bounded so a broken yield fails instead of hanging.
  for (let i = 0; i < 1000 && !ran; i++) await yieldToEventLoop();
  return ran;
}

describe('yieldToEventLoop', () => {
  it('lets timers run (setImmediate in Node)', async () => {
    expect(await timerRanDuringYield()).toBe(true);
  });

  it('falls back to MessageChannel (browsers) and to setTimeout', async () => {
    scope.setImmediate = undefined;
    expect(await timerRanDuringYield()).toBe(true);
    scope.MessageChannel = undefined;
    expect(await timerRanDuringYield()).toBe(true);
  });
});
