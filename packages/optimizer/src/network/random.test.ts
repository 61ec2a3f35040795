import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

const draw = (random: Random, n: number) => Array.from({ length: n }, () => random.nextUint32());

describe('Random (sfc32)', () => {
  it('is deterministic for a seed and differs between seeds and streams', () => {
    expect(draw(Random.fromSeed(42), 8)).toEqual(draw(Random.fromSeed(42), 8));
    expect(draw(Random.fromSeed(42), 8)).not.toEqual(draw(Random.fromSeed(43), 8));
    expect(draw(Random.fromSeed(42, 1), 8)).not.toEqual(draw(Random.fromSeed(42, 0), 8));
  });

  it('continues the same stream from a saved state', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 50 }), (seed, skip) => {
        const a = Random.fromSeed(seed);
        draw(a, skip);
        const b = Random.fromState(JSON.parse(JSON.stringify(a.state())));
        expect(draw(b, 5)).toEqual(draw(a, 5));
      }),
    );
  });

  it('draws floats in [0, 1) with a plausible mean and integers in range', () => {
    const random = Random.fromSeed(1);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = random.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 20_000 - 0.5)).toBeLessThan(0.01);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 7_000; i++) counts[random.nextInt(7)]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('makes permutations', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 300 }), (seed, n) => {
        const order = Random.fromSeed(seed).permutation(n);
        expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('rejects bad seeds and states with clear errors', () => {
    expect(() => Random.fromSeed(1.5)).toThrow(/seed must be a safe integer/);
    expect(() => Random.fromSeed(1, -1)).toThrow(/stream/);
    expect(() => Random.fromState({ algorithm: 'xorshift' } as never)).toThrow(/sfc32/);
    expect(() => Random.fromState({ algorithm: 'sfc32', state: [1, 2, 3] } as never)).toThrow(
      /four/,
    );
    expect(() => Random.fromSeed(0).nextInt(0)).toThrow(/n must be/);
  });
});
