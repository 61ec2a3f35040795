import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import { createMlp } from '../network/mlp.js';
import { evaluate } from './evaluate.js';
import { blobSplit } from './synthetic.test-helpers.js';

const kernels = createReferenceKernels();
const { test } = blobSplit(10, 301, 5, 3, 2);

describe('evaluate', () => {
  it('agrees with predict, chunk by chunk, and fills the confusion matrix', () => {
    const model = createMlp({
      inputSize: 5,
      hidden: [7],
      outputSize: 3,
      activation: 'tanh',
      seed: 1,
      kernels,
    });
    const predictions = model.predict(test.features, test.count);
    let correct = 0;
    for (let i = 0; i < test.count; i++) if (predictions[i] === test.labels[i]) correct++;
    const whole = evaluate(model, test, { batchSize: 1000 });
    const chunked = evaluate(model, test, { batchSize: 7 }); // 301 = 43 × 7: odd chunks
    expect(whole.accuracy).toBe(correct / test.count);
    expect(chunked.accuracy).toBe(whole.accuracy);
    expect(chunked.crossEntropy).toBeCloseTo(whole.crossEntropy, 5);
    expect(whole.confusion.flat().reduce((a, b) => a + b, 0)).toBe(test.count);
    const diagonal = whole.confusion.reduce((sum, row, i) => sum + row[i], 0);
    expect(diagonal).toBe(correct);
    // One-hot targets: no target entropy, all divergence.
    expect(whole.entropy).toBe(0);
    expect(whole.divergence).toBeCloseTo(whole.crossEntropy, 6);
    // Smoothed targets: H(p) > 0 and H(p, q) = H(p) + KL(p‖q).
    const smooth = evaluate(model, test, { labelSmoothing: 0.3 });
    expect(smooth.entropy).toBeGreaterThan(0);
    expect(smooth.entropy + smooth.divergence).toBeCloseTo(smooth.crossEntropy, 6);
    expect(smooth.accuracy).toBe(whole.accuracy);
    model.dispose();
  });

  it('rejects data that does not fit the model', () => {
    const model = createMlp({
      inputSize: 4,
      hidden: [],
      outputSize: 3,
      activation: 'relu',
      kernels,
    });
    expect(() => evaluate(model, test)).toThrow(/the data set has 5 features, the model takes 4/);
    const model5 = createMlp({
      inputSize: 5,
      hidden: [],
      outputSize: 2,
      activation: 'relu',
      kernels,
    });
    expect(() => evaluate(model5, test)).toThrow(/the data set has 3 classes, the model outputs 2/);
    const model53 = createMlp({
      inputSize: 5,
      hidden: [],
      outputSize: 3,
      activation: 'relu',
      kernels,
    });
    expect(() => evaluate(model53, test, { batchSize: 0 })).toThrow(
      /"batchSize" must be a positive integer/,
    );
    expect(() => evaluate(model53, test, { labelSmoothing: -0.1 })).toThrow(
      /"labelSmoothing" must be in \[0, 1\)/,
    );
    for (const m of [model, model5, model53]) m.dispose();
  });
});
