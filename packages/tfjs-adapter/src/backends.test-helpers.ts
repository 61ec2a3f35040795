/**
 * Test setup shared by the test files: tfjs imported the way a user would (tfjs-core, plus
 * tfjs-layers, which registers the gradients Node needs, plus the cpu and wasm backends).
 */

import { type Dataset, loadDigits } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

tf.env().set('PROD', true);

/** The backends every test runs on. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** Switches to `name` and fails loudly if it cannot (tfjs resolves `false` instead of throwing). */
export async function useBackend(name: (typeof BACKENDS)[number]): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') failed`);
}

/** Digits data as tensors: features ÷ 16, one-hot float labels. */
export interface DigitsTensors {
  trainX: tf.Tensor2D;
  trainY: tf.Tensor2D;
  testX: tf.Tensor2D;
  testY: tf.Tensor2D;
  dispose(): void;
}

function tensorsOf(dataset: Dataset): [tf.Tensor2D, tf.Tensor2D] {
  const x = tf.tensor2d(dataset.features, [dataset.count, dataset.featureCount]);
  const y = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(dataset.labels, 'int32'), dataset.classCount), 'float32'),
  ) as tf.Tensor2D;
  return [x, y];
}

/** The UCI digits with `@dualphi/optimizer`'s fixed stratified split (1,438 / 359). */
export function loadDigitsTensors(): DigitsTensors {
  const split = loadDigits();
  const [trainX, trainY] = tensorsOf(split.train);
  const [testX, testY] = tensorsOf(split.test);
  return {
    trainX,
    trainY,
    testX,
    testY,
    dispose: () => tf.dispose([trainX, trainY, testX, testY]),
  };
}
