import { describe, expect, it } from 'vitest';
import { OptimizerOptionError, optimizerFromConfig, prodigy } from './index.js';
import { expectPrinted, runArrays, runKernels } from './peers.test-helpers.js';

/**
 * The vectors of Prodigy at its defaults on the toy problem (computed with a plain
 * transliteration of the reference implementation konstmish/prodigy, arXiv 2306.06101).
 */
const X_AFTER: Record<number, string[]> = {
  0: ['0.999996838', '1.99999684', '2.99999684'],
  1: ['0.999992588', '1.99999259', '2.99999259'],
  4: ['0.999901889'],
};
const D_AFTER: Record<number, string> = {
  0: '1e-6',
  1: '1.58153313e-6',
  2: '4.82240281e-6',
  3: '1.34960839e-5',
  4: '3.45096716e-5',
};

describe('prodigy (arXiv 2306.06101)', () => {
  it('f64 path matches the vectors to their printed digits (≤ 1e-9 relative)', () => {
    let checked = 0;
    runArrays(prodigy(), 5, (step, x, state) => {
      expectPrinted(state.scalars?.d as number, D_AFTER[step]);
      X_AFTER[step]?.forEach((printed, i) => {
        expectPrinted(x[i], printed);
        checked++;
      });
    });
    expect(checked).toBe(7);
  });

  it('f64 path: d grows to ≈ 1.004 by step 20 and never decreases', () => {
    let last = 0;
    runArrays(prodigy(), 20, (_, __, state) => {
      const d = state.scalars?.d as number;
      expect(d).toBeGreaterThanOrEqual(last);
      last = d;
    });
    expect(last).toBeCloseTo(1.004, 3);
  });

  it('kernel path (f32 buffers) matches the vectors to f32 tolerance', () => {
    runKernels(prodigy(), 5, (step, x, state) => {
      expectPrinted(state.scalars?.d as number, D_AFTER[step], 1e-5);
      X_AFTER[step]?.forEach((printed, i) => {
        expectPrinted(x[i], printed, 1e-6);
      });
    });
  });

  it('has the reference defaults (β₃ = √β₂, also for a given β₂) and validates its options', () => {
    expect(prodigy().hyperParameters).toEqual({
      learningRate: 1,
      beta1: 0.9,
      beta2: 0.999,
      beta3: Math.sqrt(0.999),
      epsilon: 1e-8,
      d0: 1e-6,
      dCoefficient: 1,
      weightDecay: 0,
    });
    expect(prodigy({ beta2: 0.99 }).hyperParameters.beta3).toBe(Math.sqrt(0.99));
    expect(() => prodigy({ d0: 0 })).toThrow('prodigy: "d0" must be a finite number > 0, got 0');
    expect(() => prodigy({ beta3: 1 })).toThrow(OptimizerOptionError);
    const again = optimizerFromConfig(prodigy({ d0: 1e-5 }).toConfig());
    expect(again.hyperParameters.d0).toBe(1e-5);
  });

  it('keeps d, d_max and r in the state; a state without them is refused before any change', () => {
    const optimizer = prodigy();
    const x = Float64Array.from([1, 2]);
    const state = optimizer.initArrays([{ name: 'x', value: x }]);
    expect(state.scalars).toEqual({ d: 1e-6, dMax: 1e-6, numerator: 0 });
    state.scalars = undefined;
    expect(() => optimizer.updateArrays([{ name: 'x', value: x }], [[1, 1]], state)).toThrow(
      'prodigy: the state has no scalar "d"',
    );
    expect(Array.from(x)).toEqual([1, 2]);
  });
});
