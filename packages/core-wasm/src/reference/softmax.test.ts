import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { softmaxCrossEntropy } from './softmax.js';

const f32 = (values: number[]) => Float32Array.from(values);

describe('reference softmaxCrossEntropy', () => {
  it('matches a hand-computed 2×3 example with class labels', () => {
    // Row 0: logits 1, 2, 3 with label 2; row 1: logits 1, 1, 1 with label 0.
    const s = 1 + Math.exp(-1) + Math.exp(-2); // Σ exp(z − max) of row 0
    const ce0 = Math.log(s); // −log q₂ = log s − (z₂ − max) = log s
    const ce1 = Math.log(3);
    const hq0 = Math.log(s) + (Math.exp(-1) * 1 + Math.exp(-2) * 2) / s;
    const gradient = new Float32Array(6);
    const probabilities = new Float32Array(6);
    const result = softmaxCrossEntropy(
      f32([1, 2, 3, 1, 1, 1]),
      { labels: [2, 0] },
      2,
      3,
      gradient,
      probabilities,
    );
    expect(result.crossEntropy).toBeCloseTo((ce0 + ce1) / 2, 12);
    expect(result.entropy).toBe(0);
    expect(result.divergence).toBeCloseTo((ce0 + ce1) / 2, 12);
    expect(result.predictionEntropy).toBeCloseTo((hq0 + Math.log(3)) / 2, 12);
    const q0 = [Math.exp(-2) / s, Math.exp(-1) / s, 1 / s];
    const expectedQ = [...q0, 1 / 3, 1 / 3, 1 / 3];
    const expectedGradient = [q0[0] / 2, q0[1] / 2, (q0[2] - 1) / 2, (1 / 3 - 1) / 2, 1 / 6, 1 / 6];
    for (let i = 0; i < 6; i++) {
      expect(probabilities[i]).toBeCloseTo(expectedQ[i], 7);
      expect(gradient[i]).toBeCloseTo(expectedGradient[i], 7);
    }
  });

  it('splits soft-label cross-entropy into H(p) + KL(p‖q)', () => {
    // p = (½, ½, 0) against the uniform prediction: H(p, q) = log 3, H(p) = log 2.
    const result = softmaxCrossEntropy(f32([0, 0, 0]), { probabilities: f32([0.5, 0.5, 0]) }, 1, 3);
    expect(result.crossEntropy).toBeCloseTo(Math.log(3), 12);
    expect(result.entropy).toBeCloseTo(Math.log(2), 12);
    expect(result.divergence).toBeCloseTo(Math.log(3) - Math.log(2), 12);
    expect(result.predictionEntropy).toBeCloseTo(Math.log(3), 12);
  });

  it('stays finite for logits of ±1e4 and a single class', () => {
    const extreme = softmaxCrossEntropy(f32([1e4, -1e4, 0]), { labels: [1] }, 1, 3);
    expect(extreme.crossEntropy).toBeCloseTo(2e4, 6);
    expect(extreme.predictionEntropy).toBeCloseTo(0, 12);
    const gradient = new Float32Array(2);
    const single = softmaxCrossEntropy(f32([5, -7]), { labels: [0, 0] }, 2, 1, gradient);
    expect(single).toEqual({ crossEntropy: 0, entropy: 0, divergence: 0, predictionEntropy: 0 });
    expect(Array.from(gradient)).toEqual([0, 0]);
  });

  it('writes the gradient over the logits when they share a buffer', () => {
    const logits = f32([0.3, -1.2, 2.5, 0.1]);
    const separate = new Float32Array(4);
    const expected = softmaxCrossEntropy(logits.slice(), { labels: [1, 0] }, 2, 2, separate);
    const inPlace = softmaxCrossEntropy(logits, { labels: [1, 0] }, 2, 2, logits);
    expect(inPlace).toEqual(expected);
    expect(Array.from(logits)).toEqual(Array.from(separate));
  });

  it('has the gradient of the mean cross-entropy (central differences)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, classes, seed) => {
          let state = seed;
          const random = () => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            return state / 2 ** 32;
          };
          const logits = Float32Array.from({ length: rows * classes }, () => 4 * random() - 2);
          const labels = Array.from({ length: rows }, () => Math.floor(random() * classes));
          const gradient = new Float32Array(rows * classes);
          softmaxCrossEntropy(logits, { labels }, rows, classes, gradient);
          const h = 1e-2;
          for (let i = 0; i < logits.length; i++) {
            const plus = logits.slice();
            const minus = logits.slice();
            plus[i] += h;
            minus[i] -= h;
            const lossPlus = softmaxCrossEntropy(plus, { labels }, rows, classes).crossEntropy;
            const lossMinus = softmaxCrossEntropy(minus, { labels }, rows, classes).crossEntropy;
            expect(gradient[i]).toBeCloseTo((lossPlus - lossMinus) / (2 * h), 4);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
