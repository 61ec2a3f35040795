import { describe, expect, it } from 'vitest';
import { golden } from '../theory/golden.js';
import {
  dualProcess,
  goldenBatchHalfLife,
  goldenBatchLinear,
  goldenCosine,
  type Optimizer,
  optimizerFromConfig,
  type TrainingRun,
} from './index.js';

/** The steps Δw of `steps` updates of w (one value, gradient 1) in f64. */
function deltas(optimizer: Optimizer, steps: number, run?: TrainingRun): number[] {
  const w = new Float64Array(1);
  const parameters = [{ name: 'w', value: w }];
  const state = optimizer.initArrays(parameters);
  const result: number[] = [];
  for (let step = 0; step < steps; step++) {
    optimizer.updateArrays(parameters, [[1]], state, run);
    result.push((state.slots.get('w/delta') as Float64Array)[0]);
  }
  return result;
}

describe("golden extensions (this project's, not the papers')", () => {
  it('golden-cosine: η_t = η*·½(1 + cos(π·t/T)) with α = 0 (so Δw = −η_t), then the floor', () => {
    const eta = golden.learningRate;
    const expected = [0, 1, 2, 3, 4, 4].map((t) => -eta * 0.5 * (1 + Math.cos((Math.PI * t) / 4)));
    const byOption = deltas(goldenCosine({ momentum: 0, decaySteps: 4 }), 6);
    const byRun = deltas(goldenCosine({ momentum: 0 }), 6, { totalSteps: 4, batchSize: 32 });
    for (const got of [byOption, byRun]) {
      got.forEach((value, i) => {
        expect(Math.abs(value - expected[i])).toBeLessThan(1e-15);
      });
    }
    const floor = deltas(goldenCosine({ momentum: 0, decaySteps: 2, finalFraction: 0.25 }), 3);
    expect(floor[2]).toBeCloseTo(-0.25 * eta, 15);
  });

  it('golden-cosine keeps α* and the golden defaults', () => {
    expect(goldenCosine().hyperParameters).toMatchObject({
      learningRate: golden.learningRate,
      momentum: golden.momentum,
      decaySteps: 0,
      finalFraction: 0,
    });
    expect(goldenCosine({ rounded: true }).hyperParameters.momentum).toBe(golden.roundedMomentum);
  });

  it('the batch rules are exactly the golden pair at B = B₀ (default 32)', () => {
    const reference = deltas(dualProcess(), 5);
    const run = { totalSteps: 100, batchSize: 32 };
    expect(deltas(goldenBatchLinear(), 5, run)).toEqual(reference);
    expect(deltas(goldenBatchLinear({ batchSize: 32 }), 5)).toEqual(reference);
    const halfLife = deltas(goldenBatchHalfLife(), 5, run);
    halfLife.forEach((value, i) => {
      expect(Math.abs(value - reference[i])).toBeLessThan(1e-15);
    });
  });

  it('at B = 2B₀: linear doubles η; half-life gives α = α*² ≈ 0.764, η = (1 − α)² ≈ 0.056', () => {
    const run = { totalSteps: 100, batchSize: 64 };
    const [first] = deltas(goldenBatchLinear(), 1, run);
    expect(first).toBeCloseTo(-2 * golden.learningRate, 15);
    const alpha = golden.momentum ** 2;
    const eta = (1 - alpha) ** 2;
    expect(alpha).toBeCloseTo(0.764, 3);
    expect(eta).toBeCloseTo(0.056, 3);
    const [d1, d2] = deltas(goldenBatchHalfLife(), 2, run);
    expect(d1).toBeCloseTo(-eta, 15);
    expect(d2).toBeCloseTo(alpha * d1 - eta, 15);
    expect(deltas(goldenBatchHalfLife({ referenceBatchSize: 64 }), 1, run)[0]).toBeCloseTo(
      -golden.learningRate,
      15,
    );
  });

  it('without a batch size or a run they say what is missing; configs round-trip', () => {
    expect(() => deltas(goldenBatchLinear(), 1)).toThrow(
      'goldenBatchLinear: "batchSize" is 0 (the training run\'s) but no training run was given',
    );
    expect(() => deltas(goldenCosine(), 1)).toThrow(/goldenCosine: "decaySteps" is 0/);
    expect(() => goldenBatchHalfLife({ learningRate: 0.1 } as never)).toThrow(
      /"learningRate" is not an option of goldenBatchHalfLife/,
    );
    for (const optimizer of [goldenCosine(), goldenBatchLinear(), goldenBatchHalfLife()]) {
      expect(optimizerFromConfig(optimizer.toConfig()).toConfig()).toEqual(optimizer.toConfig());
    }
  });
});
