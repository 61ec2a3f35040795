import type { EpochMetrics } from '@dualphi/optimizer';
import { describe, expect, it } from 'vitest';
import { Output } from '../terminal/output.js';
import { explodingLossLimit, watchExplosion } from './exploding-loss.js';

function output(): { output: Output; lines: string[] } {
  const lines: string[] = [];
  const stream = { write: (text: string) => lines.push(text), isTTY: false };
  return {
    output: new Output({ json: false, noColor: true, stdout: stream, stderr: stream, env: {} }),
    lines,
  };
}

const epoch = (n: number, trainLoss: number, testLoss: number) =>
  ({ epoch: n, trainLoss, testLoss }) as EpochMetrics;

describe('watchExplosion', () => {
  it('counts a loss above 10 × ln K as exploding (23.03 nats for ten classes)', () => {
    expect(explodingLossLimit(10)).toBeCloseTo(23.0259, 4);
    expect(explodingLossLimit(2)).toBeCloseTo(6.9315, 4);
  });

  it('warns once, at the first epoch whose training or test loss exceeds the limit', () => {
    const { output: out, lines } = output();
    const stop = new AbortController();
    const watch = watchExplosion({ output: out, classCount: 10, stopOnDivergence: false, stop });
    watch.check(epoch(1, 2.3, 2.2));
    expect(watch.exploded).toBeUndefined();
    watch.check(epoch(2, 5, 1.8e10));
    watch.check(epoch(3, 1e12, 1e12));
    expect(watch.exploded).toMatch(/epoch 2 has a test loss of 18000000000\.0000 nats/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: the loss is exploding: epoch 2 .*--stop-on-divergence/);
    expect(stop.signal.aborted).toBe(false);
  });

  it('with --stop-on-divergence aborts instead of warning; NaN is left to the engine', () => {
    const { output: out, lines } = output();
    const stop = new AbortController();
    const watch = watchExplosion({ output: out, classCount: 3, stopOnDivergence: true, stop });
    watch.check(epoch(1, Number.NaN, Number.NaN));
    expect(stop.signal.aborted).toBe(false);
    watch.check(epoch(2, 11.5, 3));
    expect(stop.signal.aborted).toBe(true);
    expect(lines).toEqual([]);
  });
});
