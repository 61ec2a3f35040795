import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adam, heavyBall, momentumUpdate } from './updates.js';

/** The golden constants of apps/docs/theory.md#constants. */
const momentum = (Math.sqrt(10) - Math.sqrt(2)) / 2;
const learningRate = (1 - momentum) ** 2;

/** The test vector of apps/docs/theory.md#a-test-vector: constant gradient 1, w(0) = 0. Rows t = 1..5: [Δw(t), w(t)]. */
const testVector = [
  [-0.0158679247, -0.0158679247],
  [-0.0297369994, -0.0456049242],
  [-0.0418590153, -0.0874639394],
  [-0.0524540456, -0.139917985],
  [-0.0617144416, -0.2016324266],
];

describe('reference heavyBall (delta form, apps/docs/theory.md#constants)', () => {
  it('reproduces the test vector of apps/docs/theory.md#a-test-vector to 1e-9 in f64', () => {
    const weights = new Float64Array(1);
    const delta = new Float64Array(1);
    const gradient = Float64Array.of(1);
    for (const [expectedDelta, expectedWeight] of testVector) {
      heavyBall(weights, delta, gradient, 1, { learningRate, momentum });
      expect(Math.abs(delta[0] - expectedDelta)).toBeLessThan(1e-9);
      expect(Math.abs(weights[0] - expectedWeight)).toBeLessThan(1e-9);
    }
  });

  it('reproduces the test vector to f32 precision on f32 buffers', () => {
    const weights = new Float32Array(3);
    const delta = new Float32Array(3);
    const gradient = Float32Array.of(1, 1, 1);
    for (const [expectedDelta, expectedWeight] of testVector) {
      heavyBall(weights, delta, gradient, 3, { learningRate, momentum });
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(delta[i] - expectedDelta)).toBeLessThan(2e-8);
        expect(Math.abs(weights[i] - expectedWeight)).toBeLessThan(5e-8);
      }
    }
  });

  it('converges to Δw = −η / (1 − α)', () => {
    const weights = new Float64Array(1);
    const delta = new Float64Array(1);
    for (let t = 0; t < 400; t++)
      heavyBall(weights, delta, Float64Array.of(1), 1, { learningRate, momentum });
    expect(delta[0]).toBeCloseTo(-learningRate / (1 - momentum), 12);
    expect(delta[0]).toBeCloseTo(-0.1259679511, 9);
  });

  it('returns ‖G‖², ‖M‖² and G·M of this step (apps/docs/theory.md#process-balance)', () => {
    const delta = Float64Array.of(0.5, -1);
    const gradient = Float64Array.of(2, 3);
    const terms = heavyBall(new Float64Array(2), delta, gradient, 2, {
      learningRate: 0.1,
      momentum: 0.5,
    });
    // G = (−0.2, −0.3), M = (0.25, −0.5).
    expect(terms.gradientNormSquared).toBeCloseTo(0.04 + 0.09, 14);
    expect(terms.momentumNormSquared).toBeCloseTo(0.0625 + 0.25, 14);
    expect(terms.dot).toBeCloseTo(-0.05 + 0.15, 14);
  });
});

describe('reference momentumUpdate (tfjs/PyTorch convention)', () => {
  it('follows the heavy-ball trajectory with a constant learning rate (Δw = −η·v)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (gradients, eta, mu) => {
          const w1 = new Float64Array(1);
          const delta = new Float64Array(1);
          const w2 = new Float64Array(1);
          const velocity = new Float64Array(1);
          for (const g of gradients) {
            heavyBall(w1, delta, Float64Array.of(g), 1, { learningRate: eta, momentum: mu });
            momentumUpdate(w2, velocity, Float64Array.of(g), 1, {
              learningRate: eta,
              momentum: mu,
            });
            expect(w2[0]).toBeCloseTo(w1[0], 9);
            expect(-eta * velocity[0]).toBeCloseTo(delta[0], 9);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('takes the Nesterov step w ← w − η·(g + μ·v) with the new v', () => {
    const weights = Float64Array.of(1);
    const velocity = Float64Array.of(2);
    momentumUpdate(weights, velocity, Float64Array.of(0.5), 1, {
      learningRate: 0.1,
      momentum: 0.9,
      nesterov: true,
    });
    // v = 0.9·2 + 0.5 = 2.3; w = 1 − 0.1·(0.5 + 0.9·2.3) = 0.743.
    expect(velocity[0]).toBeCloseTo(2.3, 14);
    expect(weights[0]).toBeCloseTo(0.743, 14);
  });
});

describe('reference adam', () => {
  it('moves each weight by about η·sign(g) on the first, bias-corrected step', () => {
    const weights = Float64Array.of(1, 1, 1);
    const first = new Float64Array(3);
    const second = new Float64Array(3);
    adam(weights, first, second, Float64Array.of(3, -0.01, 0), 3, {
      learningRate: 0.1,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-12,
      step: 1,
    });
    expect(weights[0]).toBeCloseTo(0.9, 9);
    expect(weights[1]).toBeCloseTo(1.1, 9);
    expect(weights[2]).toBe(1);
    expect(first[0]).toBeCloseTo(0.3, 14);
    expect(second[0]).toBeCloseTo(0.009, 14);
  });

  it('decays weights decoupled from the gradient (AdamW)', () => {
    const weights = Float64Array.of(2);
    adam(weights, new Float64Array(1), new Float64Array(1), Float64Array.of(0), 1, {
      learningRate: 0.1,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      step: 1,
      weightDecay: 0.5,
    });
    // w ← w − η·λ·w = 2 − 0.1·0.5·2.
    expect(weights[0]).toBeCloseTo(1.9, 14);
  });

  it('computes a later step with bias correction by hand', () => {
    const weights = Float64Array.of(0);
    const first = Float64Array.of(0.2);
    const second = Float64Array.of(0.04);
    adam(weights, first, second, Float64Array.of(1), 1, {
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.99,
      epsilon: 1e-8,
      step: 3,
    });
    const m = 0.9 * 0.2 + 0.1;
    const v = 0.99 * 0.04 + 0.01;
    const step = m / (1 - 0.9 ** 3) / (Math.sqrt(v / (1 - 0.99 ** 3)) + 1e-8);
    expect(weights[0]).toBeCloseTo(-0.01 * step, 14);
  });
});
