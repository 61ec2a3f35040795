import { loadKernels } from '@dualphi/core-wasm';
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import { OptimizerOptionError, optimizerFromConfig, prodigy } from './index.js';
import { expectPrinted, runArrays, runKernels } from './peers.test-helpers.js';
import type { Optimizer } from './types.js';

const wasm = await loadKernels();

/**
 * The toy problem of the vectors repeated over `sizes.length` tensors (coordinate j of the
 * whole run has a = x₀ = 1 + j mod 3): d̂ is a ratio of sums, so the repetition leaves d and
 * every coordinate's trajectory as in the vectors, while the fused kernels run their SIMD
 * blocks and tails. Calls `check` with the step, d and the weights after each step.
 */
function runRepeatedToy(
  optimizer: Optimizer,
  kernels: typeof wasm | ReturnType<typeof createReferenceKernels>,
  sizes: readonly number[],
  steps: number,
  check: (step: number, d: number, x: Float32Array[], offsets: number[]) => void,
): void {
  const offsets: number[] = [];
  let offset = 0;
  for (const size of sizes) {
    offsets.push(offset);
    offset += size;
  }
  const coefficient = (j: number) => 1 + (j % 3);
  const parameters = sizes.map((size, t) => ({
    name: `p${t}`,
    value: kernels.allocFrom(
      Float32Array.from({ length: size }, (_, i) => coefficient(offsets[t] + i)),
    ),
  }));
  const gradients = sizes.map((size) => kernels.alloc(size));
  const state = optimizer.init(kernels, parameters);
  for (let step = 0; step < steps; step++) {
    parameters.forEach(({ value }, t) => {
      const x = value.view;
      const g = gradients[t].view;
      for (let i = 0; i < value.length; i++) g[i] = coefficient(offsets[t] + i) * x[i];
    });
    optimizer.update(kernels, parameters, gradients, state);
    check(
      step,
      state.scalars?.d as number,
      parameters.map((p) => p.value.view),
      offsets,
    );
  }
  for (const slot of state.slots.values()) slot.free();
  for (const buffer of [...parameters.map((p) => p.value), ...gradients]) buffer.free();
}

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

  it('fused kernel path over three tensors (SIMD blocks and tails) matches the vectors', () => {
    let checked = 0;
    runRepeatedToy(prodigy(), wasm, [51, 48, 18], 5, (step, d, x, offsets) => {
      expectPrinted(d, D_AFTER[step], 1e-5);
      x.forEach((values, t) => {
        for (let i = 0; i < values.length; i++) {
          const printed = X_AFTER[step]?.[(offsets[t] + i) % 3];
          if (printed === undefined) continue;
          expectPrinted(values[i], printed, 1e-6);
          checked++;
        }
      });
    });
    // Steps 0 and 1 check every coordinate, step 4 a third of them.
    expect(checked).toBe(117 * 2 + 39);
  });

  it('fused kernel path follows the f64 path to f32 tolerance while d grows 1e-6 → 0.29 (15 steps)', () => {
    const sizes = [784 * 3, 3, 33, 10];
    const coefficients = sizes.map((size, t) =>
      Float64Array.from({ length: size }, (_, i) => 0.5 + ((i * 7 + t * 13) % 11) / 4),
    );
    const initial = sizes.map((size, t) =>
      Float64Array.from({ length: size }, (_, i) => Math.sin(i + 10 * t)),
    );
    const names = sizes.map((_, t) => `p${t}`);
    const f64 = prodigy({ weightDecay: 0.01 });
    const arrays = names.map((name, t) => ({ name, value: Float64Array.from(initial[t]) }));
    const arrayState = f64.initArrays(arrays);
    const fused = prodigy({ weightDecay: 0.01 });
    const buffers = names.map((name, t) => ({ name, value: wasm.allocFrom(initial[t]) }));
    const gradients = sizes.map((size) => wasm.alloc(size));
    const state = fused.init(wasm, buffers);
    for (let step = 0; step < 15; step++) {
      f64.updateArrays(
        arrays,
        arrays.map(({ value }, t) => value.map((x, i) => coefficients[t][i] * x)),
        arrayState,
      );
      buffers.forEach(({ value }, t) => {
        const g = gradients[t].view;
        for (let i = 0; i < value.length; i++) g[i] = coefficients[t][i] * value.view[i];
      });
      fused.update(wasm, buffers, gradients, state);
      const d = arrayState.scalars?.d as number;
      expect(Math.abs((state.scalars?.d as number) - d)).toBeLessThanOrEqual(1e-6 * d);
      arrays.forEach(({ value }, t) => {
        for (let i = 0; i < value.length; i++) {
          expect(Math.abs(buffers[t].value.view[i] - value[i])).toBeLessThanOrEqual(
            1e-5 * Math.max(1, Math.abs(value[i])),
          );
        }
      });
    }
    // Measured: d relative error ≤ 2e-8, x error ≤ 1.3e-6. Later, near the minimum, Adam's
    // sign-like steps amplify any rounding (the plain rule over f32 buffers as much).
    expect(arrayState.scalars?.d).toBeGreaterThan(0.2);
    for (const slot of state.slots.values()) slot.free();
    for (const buffer of [...buffers.map((b) => b.value), ...gradients]) buffer.free();
  });

  it('the reference kernel set (plain TypeScript over the buffers) takes the same steps', () => {
    const sizes = [51, 48, 18];
    const last: Float32Array[][] = [];
    for (const kernels of [wasm, createReferenceKernels()]) {
      runRepeatedToy(prodigy(), kernels, sizes, 5, (step, d, x) => {
        expectPrinted(d, D_AFTER[step], 1e-5);
        if (step === 4) last.push(x.map((values) => values.slice()));
      });
    }
    last[0].forEach((values, t) => {
      values.forEach((value, i) => {
        expect(Math.abs(value - last[1][t][i])).toBeLessThanOrEqual(2e-7 * Math.abs(value));
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
