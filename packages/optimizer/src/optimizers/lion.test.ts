import { loadKernels } from '@dualphi/core-wasm';
import { describe, expect, it } from 'vitest';
import { lion, OptimizerOptionError, optimizerFromConfig } from './index.js';

/**
 * Hand-computed from Algorithm 2 of arXiv 2302.06675 on f(x) = ½ Σ aᵢxᵢ², a = [1, 2, 3],
 * x₀ = [1, 2, 3] (g = a ⊙ x), with η = 1, β₁ = 0.9, β₂ = 0.99, λ = 0:
 * step 0: g = [1, 4, 9], c = 0.1g > 0, x = [0, 1, 2], m = [0.01, 0.04, 0.09];
 * step 1: g = [0, 2, 6], c = [0.009, 0.236, 0.681], x = [−1, 0, 1], m = [0.0099, 0.0596, 0.1491];
 * step 2: g = [−1, 0, 3], c = [−0.09109, 0.05364, 0.43419], x = [0, −1, 0],
 *         m = [−0.000199, 0.059004, 0.177609];
 * step 3: g = [0, −2, 0], c = [−0.0001791, −0.1468964, 0.1598481], x = [1, 0, −1].
 */
const A = [1, 2, 3];
const X = [
  [0, 1, 2],
  [-1, 0, 1],
  [0, -1, 0],
  [1, 0, -1],
];
const M_AFTER_2 = [-0.000199, 0.059004, 0.177609];

const gradientOf = (x: ArrayLike<number>) => Array.from(x, (v, i) => A[i] * v);

describe('lion (arXiv 2302.06675, Algorithm 2)', () => {
  it('f64 path: the hand-computed four steps, exactly where they are integers', () => {
    const optimizer = lion({ learningRate: 1 });
    const x = Float64Array.from([1, 2, 3]);
    const parameters = [{ name: 'x', value: x }];
    const state = optimizer.initArrays(parameters);
    X.forEach((expected, step) => {
      optimizer.updateArrays(parameters, [gradientOf(x)], state);
      expect(Array.from(x)).toEqual(expected);
      if (step === 2) {
        const m = state.slots.get('x/momentum') as Float64Array;
        M_AFTER_2.forEach((value, i) => {
          expect(Math.abs(m[i] - value)).toBeLessThan(1e-12);
        });
      }
    });
    expect(state.step).toBe(4);
  });

  it('kernel path (f32 views) follows the same four steps', async () => {
    const kernels = await loadKernels();
    const optimizer = lion({ learningRate: 1 });
    const x = kernels.allocFrom(Float32Array.from([1, 2, 3]));
    const g = kernels.alloc(3);
    const parameters = [{ name: 'x', value: x }];
    const state = optimizer.init(kernels, parameters);
    for (const expected of X) {
      g.view.set(gradientOf(x.view));
      optimizer.update(kernels, parameters, [g], state);
      expect(Array.from(x.view)).toEqual(expected);
    }
    const m = state.slots.get('x/momentum');
    expect(m?.length).toBe(3);
    x.free();
    g.free();
  });

  it('decoupled weight decay from the old w, and sign(0) = 0', () => {
    // η = 0.1, λ = 0.5, x₀ = [0, 2, 3]: x = x − 0.1·(sign(0.1g) + 0.5x) = [0, 1.8, 2.75].
    const optimizer = lion({ learningRate: 0.1, weightDecay: 0.5 });
    const x = Float64Array.from([0, 2, 3]);
    const parameters = [{ name: 'x', value: x }];
    const state = optimizer.initArrays(parameters);
    optimizer.updateArrays(parameters, [gradientOf(x)], state);
    [0, 1.8, 2.75].forEach((value, i) => {
      expect(Math.abs(x[i] - value)).toBeLessThan(1e-15);
    });
  });

  it("has the paper's defaults and validates its options", () => {
    expect(lion().hyperParameters).toEqual({
      learningRate: 1e-4,
      beta1: 0.9,
      beta2: 0.99,
      weightDecay: 0,
    });
    expect(() => lion({ beta2: 1 })).toThrow('lion: "beta2" must be in [0, 1), got 1');
    expect(() => lion({ learningRate: 0 })).toThrow(OptimizerOptionError);
    expect(() => lion({ momentum: 0.9 } as never)).toThrow(
      'lion: "momentum" is not an option of lion (allowed: learningRate, beta1, beta2, weightDecay)',
    );
    const again = optimizerFromConfig(lion({ beta1: 0.95 }).toConfig());
    expect(again.hyperParameters.beta1).toBe(0.95);
  });
});
