/**
 * The network's gradients against central finite differences. The finite differences run in
 * f64 through a small pure f64 forward written here (independent of the kernels), so their
 * truncation error is ~h² ≈ 1e-12 and rounding ~1e-10; the analytic gradients come from the
 * f32 kernels, whose rounding (~1e-7 relative per operation) sets the tolerance below.
 */
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import type { Activation } from '../training/types.js';
import { createMlp } from './mlp.js';
import { Random } from './random.js';

/** Mean softmax cross-entropy of the network in f64 for the given weights. */
function lossF64(
  sizes: number[],
  activation: Activation,
  weights: Float64Array[],
  input: Float64Array,
  rows: number,
  targets: Float64Array,
): number {
  let a = input;
  const layers = sizes.length - 1;
  for (let l = 0; l < layers; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const w = weights[2 * l];
    const b = weights[2 * l + 1];
    const z = new Float64Array(rows * fanOut);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < fanOut; j++) {
        let s = b[j];
        for (let i = 0; i < fanIn; i++) s += a[r * fanIn + i] * w[i * fanOut + j];
        z[r * fanOut + j] =
          l + 1 < layers ? (activation === 'relu' ? Math.max(0, s) : Math.tanh(s)) : s;
      }
    }
    a = z;
  }
  const classes = sizes[sizes.length - 1];
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, a[r * classes + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(a[r * classes + k] - max);
    const logSum = max + Math.log(sum);
    for (let k = 0; k < classes; k++)
      loss -= targets[r * classes + k] * (a[r * classes + k] - logSum);
  }
  return loss / rows;
}

const cases: { sizes: number[]; activation: Activation; rows: number; soft: boolean }[] = [
  { sizes: [5, 7, 3], activation: 'relu', rows: 4, soft: false },
  { sizes: [3, 6, 5, 4], activation: 'tanh', rows: 3, soft: true },
  { sizes: [4, 9, 1 + 1], activation: 'tanh', rows: 1, soft: false },
  { sizes: [6, 4], activation: 'relu', rows: 5, soft: true },
];

describe('Mlp backward', () => {
  for (const { sizes, activation, rows, soft } of cases) {
    it(`matches central finite differences: ${sizes.join('-')} ${activation}, ${rows} rows${soft ? ', soft targets' : ''}`, () => {
      const kernels = createReferenceKernels();
      const model = createMlp({
        inputSize: sizes[0],
        hidden: sizes.slice(1, -1),
        outputSize: sizes[sizes.length - 1],
        activation,
        seed: 3,
        kernels,
      });
      const random = Random.fromSeed(11);
      const classes = sizes[sizes.length - 1];
      const inputValues = Float32Array.from(
        { length: rows * sizes[0] },
        () => 2 * random.nextFloat() - 1,
      );
      // Non-zero biases so the check covers them and ReLU units are not all on one side.
      const params = model.parameters();
      for (const p of params) {
        if (p.name.endsWith('bias'))
          for (let i = 0; i < p.value.length; i++)
            p.value.view[i] = 0.2 * (random.nextFloat() - 0.5);
      }
      const targetsF64 = new Float64Array(rows * classes);
      const labels = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        labels[r] = random.nextInt(classes);
        if (soft) {
          let total = 0;
          for (let k = 0; k < classes; k++)
            total += targetsF64[r * classes + k] = random.nextFloat() + 0.05;
          for (let k = 0; k < classes; k++) targetsF64[r * classes + k] /= total;
        } else {
          targetsF64[r * classes + labels[r]] = 1;
        }
      }

      const input = kernels.allocFrom(inputValues);
      const logits = model.forward(input, rows);
      const probabilities = soft ? kernels.allocFrom(targetsF64) : undefined;
      const loss = kernels.softmaxCrossEntropy(
        logits,
        probabilities ? { probabilities } : { labels },
        rows,
        classes,
        { gradient: logits },
      );
      const gradients = params.map((p) => kernels.alloc(p.value.length));
      model.backward(logits, rows, gradients);

      const weightsF64 = params.map((p) =>
        Float64Array.from(p.value.view.subarray(0, p.value.length)),
      );
      const inputF64 = Float64Array.from(inputValues);
      const base = lossF64(sizes, activation, weightsF64, inputF64, rows, targetsF64);
      // The f64 forward agrees with the f32 kernels' loss (validates the oracle itself).
      expect(Math.abs(base - loss.crossEntropy)).toBeLessThan(1e-5 * Math.max(1, base));

      const h = 1e-6;
      let worst = 0;
      params.forEach((p, t) => {
        const analytic = gradients[t].view;
        for (let i = 0; i < p.value.length; i++) {
          const w = weightsF64[t];
          const saved = w[i];
          w[i] = saved + h;
          const plus = lossF64(sizes, activation, weightsF64, inputF64, rows, targetsF64);
          w[i] = saved - h;
          const minus = lossF64(sizes, activation, weightsF64, inputF64, rows, targetsF64);
          w[i] = saved;
          const numeric = (plus - minus) / (2 * h);
          const error = Math.abs(analytic[i] - numeric) / (1e-4 + Math.abs(numeric));
          worst = Math.max(worst, error);
          expect(Math.abs(analytic[i] - numeric), `${p.name}[${i}]`).toBeLessThan(
            1e-5 + 1e-4 * Math.abs(numeric),
          );
        }
      });
      expect(worst).toBeLessThan(0.05);
      model.dispose();
    });
  }

  it('initialises Glorot-uniform weights and zero biases, reproducibly from the seed', () => {
    const kernels = createReferenceKernels();
    const make = (seed: number) =>
      createMlp({
        inputSize: 64,
        hidden: [128],
        outputSize: 10,
        activation: 'relu',
        seed,
        kernels,
      });
    const a = make(5);
    const b = make(5);
    const c = make(6);
    const wa = a.getWeights();
    expect(wa['dense0/weights']).toEqual(b.getWeights()['dense0/weights']);
    expect(wa['dense0/weights']).not.toEqual(c.getWeights()['dense0/weights']);
    const limit = Math.sqrt(6 / (64 + 128));
    const w = wa['dense0/weights'];
    expect(Math.max(...w)).toBeLessThanOrEqual(limit);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...w)).toBeGreaterThan(0.95 * limit);
    expect([...wa['dense0/bias'], ...wa['dense1/bias']].every((x) => x === 0)).toBe(true);
    expect(a.parameters().map((p) => p.name)).toEqual([
      'dense0/weights',
      'dense0/bias',
      'dense1/weights',
      'dense1/bias',
    ]);
    for (const m of [a, b, c]) m.dispose();
  });

  it('predicts with chunks and frees its buffers on dispose', () => {
    const kernels = createReferenceKernels();
    const before = kernels.allocatedBytes();
    const model = createMlp({
      inputSize: 3,
      hidden: [4],
      outputSize: 2,
      activation: 'relu',
      kernels,
    });
    const features = Float32Array.from({ length: 3 * 600 }, (_, i) => Math.sin(i));
    const predictions = model.predict(features, 600);
    expect(predictions.length).toBe(600);
    expect(predictions.every((p) => p === 0 || p === 1)).toBe(true);
    model.dispose();
    expect(kernels.allocatedBytes()).toBe(before);
    expect(() => model.predict(features, 1)).toThrow(/disposed/);
  });

  it('rejects bad architectures and mismatched weights', () => {
    const kernels = createReferenceKernels();
    expect(() =>
      createMlp({ inputSize: 0, hidden: [], outputSize: 2, activation: 'relu', kernels }),
    ).toThrow(/inputSize/);
    expect(() =>
      createMlp({ inputSize: 2, hidden: [3.5], outputSize: 2, activation: 'relu', kernels }),
    ).toThrow(/hidden\[0\]/);
    expect(() =>
      createMlp({ inputSize: 2, hidden: [], outputSize: 2, activation: 'gelu' as never, kernels }),
    ).toThrow(/activation/);
    // 2³² weights: refused before the initial weights are drawn (that took minutes), leak-free.
    const before = kernels.allocatedBytes();
    expect(() =>
      createMlp({
        inputSize: 4,
        hidden: [8, 65536, 65536],
        outputSize: 2,
        activation: 'relu',
        kernels,
      }),
    ).toThrow(
      /network: layer 3 needs 65536 × 65536 = 4294967296 weights, more than the kernels can hold \(alloc: /,
    );
    expect(kernels.allocatedBytes()).toBe(before);
    const model = createMlp({
      inputSize: 2,
      hidden: [],
      outputSize: 2,
      activation: 'relu',
      kernels,
    });
    expect(() =>
      model.setWeights({
        'dense0/weights': new Float32Array(3),
        'dense0/bias': new Float32Array(2),
      }),
    ).toThrow(/has 3 values, expected 4/);
    expect(() => model.setWeights({ 'dense0/weights': new Float32Array(4) })).toThrow(
      /missing tensor "dense0\/bias"/,
    );
    model.dispose();
  });
});
