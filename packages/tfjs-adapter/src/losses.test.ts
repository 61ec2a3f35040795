import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from './backends.test-helpers.js';
import {
  crossEntropy,
  divergence,
  entropy,
  klDivergence,
  predictionEntropy,
  targetEntropy,
} from './index.js';

/** Plain f64 H(p, q), H(p), KL(p‖q), H(q) of one row (q normalised and clipped like tfjs). */
function referenceSplit(p: number[], qRaw: number[]) {
  const sum = qRaw.reduce((a, b) => a + b, 0);
  const q = qRaw.map((x) => Math.min(1 - 1e-7, Math.max(1e-7, x / sum)));
  const xlogx = (x: number) => (x > 0 ? x * Math.log(x) : 0);
  const crossEntropy = -p.reduce((acc, pk, k) => acc + pk * Math.log(q[k]), 0);
  const targetEntropy = -p.reduce((acc, pk) => acc + xlogx(pk), 0);
  const predictionEntropy = -qRaw.reduce((acc, x) => acc + xlogx(x / sum), 0);
  return {
    crossEntropy,
    targetEntropy,
    divergence: crossEntropy - targetEntropy,
    predictionEntropy,
  };
}

/** Random probability rows (some entries exactly 0), rows × classes. */
const probabilityRows = (rows: number, classes: number) =>
  fc
    .array(
      fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1, noNaN: true })), {
        minLength: classes,
        maxLength: classes,
      }),
      { minLength: rows, maxLength: rows },
    )
    .filter((rs) => rs.every((r) => r.some((x) => x > 0)))
    .map((rs) => rs.map((r) => r.map((x) => x / r.reduce((a, b) => a + b, 0))));

describe.each(BACKENDS)('losses and metrics on the %s backend', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('splits cross-entropy into target entropy + divergence over random rows (apps/docs/theory.md#dual-processes)', () => {
    const shapes = fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 11 }))
      .chain(([rows, classes]) =>
        fc.tuple(probabilityRows(rows, classes), probabilityRows(rows, classes)),
      );
    fc.assert(
      fc.property(shapes, ([p, q]) => {
        const yTrue = tf.tensor2d(p);
        const yPred = tf.tensor2d(q);
        const results = [crossEntropy, targetEntropy, divergence, predictionEntropy].map((f) =>
          Array.from(f(yTrue, yPred).dataSync()),
        );
        p.forEach((row, i) => {
          const expected = referenceSplit(row, q[i]);
          expect(results[0][i]).toBeCloseTo(expected.crossEntropy, 4);
          expect(results[1][i]).toBeCloseTo(expected.targetEntropy, 4);
          expect(results[2][i]).toBeCloseTo(expected.divergence, 4);
          expect(results[3][i]).toBeCloseTo(expected.predictionEntropy, 4);
          expect(results[1][i] + results[2][i]).toBeCloseTo(results[0][i], 5);
        });
        tf.dispose([yTrue, yPred]);
      }),
      { numRuns: 40 },
    );
  });

  it('equals tfjs-layers categoricalCrossentropy', () => {
    const yTrue = tf.tensor2d([
      [0, 1, 0],
      [0.2, 0.3, 0.5],
    ]);
    const yPred = tf.tensor2d([
      [0.1, 0.7, 0.2],
      [0.5, 0.25, 0.25],
    ]);
    const ours = crossEntropy(yTrue, yPred).dataSync();
    const theirs = tfl.metrics.categoricalCrossentropy(yTrue, yPred).dataSync();
    expect(Array.from(ours)).toEqual(Array.from(theirs));
    tf.dispose([yTrue, yPred]);
  });

  it('gives entropy log k for uniform rows, 0 for one-hot rows and KL 0 for q = p', () => {
    const uniform = tf.fill([2, 4], 0.25);
    const oneHot = tf.oneHot(tf.tensor1d([1, 3], 'int32'), 4);
    expect(Array.from(entropy(uniform).dataSync())[0]).toBeCloseTo(Math.log(4), 6);
    expect(Array.from(entropy(oneHot).dataSync())).toEqual([0, 0]);
    expect(Array.from(klDivergence(uniform, uniform).dataSync())[1]).toBeCloseTo(0, 6);
    tf.dispose([uniform, oneHot]);
  });

  it('has the analytic gradient (q − p)/rows with respect to the logits of a softmax', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 1, max: 1000 }),
        (rows, classes, seed) => {
          // Moderate logits: no probability reaches the 1e-7 clip, where the gradient is cut.
          const logits = tf.randomNormal([rows, classes], 0, 1.5, 'float32', seed);
          const p = tf.tidy(() =>
            tf.softmax(tf.randomNormal([rows, classes], 0, 1, 'float32', seed + 1)),
          );
          const gradient = tf.grad((z: tf.Tensor) => tf.mean(crossEntropy(p, tf.softmax(z))))(
            logits,
          );
          const expected = tf.tidy(() => tf.div(tf.sub(tf.softmax(logits), p), rows));
          const [g, e] = [gradient.dataSync(), expected.dataSync()];
          for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(e[i], 5);
          tf.dispose([logits, p, gradient, expected]);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('klDivergence has the gradient of crossEntropy with respect to the prediction, without NaN', () => {
    const yTrue = tf.tensor2d([
      [0, 0.25, 0.75],
      [1, 0, 0],
    ]);
    const yPred = tf.tensor2d([
      [0.2, 0.3, 0.5],
      [0.6, 0.3, 0.1],
    ]);
    const gradientOf = (f: typeof crossEntropy) =>
      tf
        .grad((q: tf.Tensor) => tf.mean(f(yTrue, q)))(yPred)
        .dataSync();
    const ofKl = Array.from(gradientOf(klDivergence));
    const ofCrossEntropy = Array.from(gradientOf(crossEntropy));
    expect(ofKl.every(Number.isFinite)).toBe(true);
    for (const [i, g] of ofKl.entries()) expect(g).toBeCloseTo(ofCrossEntropy[i], 6);
    tf.dispose([yTrue, yPred]);
  });
});
