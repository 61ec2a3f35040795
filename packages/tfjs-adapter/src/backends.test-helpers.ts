/**
 * Test setup shared by the test files: tfjs imported the way a user would (tfjs-core, plus
 * tfjs-layers, which registers the gradients Node needs, plus the cpu and wasm backends).
 */

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
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

/** Digits data as tensors: features ÷ 16, one-hot labels; every fifth row is a test row. */
export interface DigitsTensors {
  trainX: tf.Tensor2D;
  trainY: tf.Tensor2D;
  testX: tf.Tensor2D;
  testY: tf.Tensor2D;
  dispose(): void;
}

/** The UCI digits (1,797 × 64, /work/shared/data/digits.csv.gz), split 4:1 deterministically. */
export function loadDigitsTensors(): DigitsTensors {
  const path = new URL('../../../../shared/data/digits.csv.gz', import.meta.url);
  const rows = gunzipSync(readFileSync(path))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number));
  const split = (test: boolean) => {
    const chosen = rows.filter((_, i) => (i % 5 === 4) === test);
    const x = tf.tensor2d(
      chosen.map((r) => r.slice(0, 64).map((v) => v / 16)),
      [chosen.length, 64],
    );
    const y = tf.oneHot(
      tf.tensor1d(
        chosen.map((r) => r[64]),
        'int32',
      ),
      10,
    ) as tf.Tensor2D;
    return [x, tf.cast(y, 'float32') as tf.Tensor2D, y] as const;
  };
  const [trainX, trainY, trainOneHot] = split(false);
  const [testX, testY, testOneHot] = split(true);
  trainOneHot.dispose();
  testOneHot.dispose();
  return {
    trainX,
    trainY,
    testX,
    testY,
    dispose: () => tf.dispose([trainX, trainY, testX, testY]),
  };
}
