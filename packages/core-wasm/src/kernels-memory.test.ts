/**
 * Memory stays bounded: 10,000 calls of each non-GEMM wasm kernel neither change the bytes
 * allocated through the kernel set nor grow the linear memory (gemm: src/gemm.test.ts).
 */
import { beforeAll, describe, it } from 'vitest';
import { distributions, uniform } from './kernels.test-helpers.js';
import { loadKernels } from './loader.js';
import { expectBoundedMemory } from './memory.test-helpers.js';
import type { F32Buffer } from './types.js';
import type { WasmKernels } from './wasm-kernels.js';

let wasm: WasmKernels;
const rows = 33;
const cols = 10;
const n = rows * cols;
let x: F32Buffer;
let y: F32Buffer;
let z: F32Buffer;
let w: F32Buffer;
let p: F32Buffer;
let q: F32Buffer;
let out: F32Buffer;
const labels = Int32Array.from({ length: rows }, (_, r) => r % cols);
const indices = new Int32Array(rows);

beforeAll(async () => {
  wasm = await loadKernels();
  x = wasm.allocFrom(uniform(n, 1));
  y = wasm.allocFrom(uniform(n, 2));
  z = wasm.allocFrom(uniform(n, 3));
  w = wasm.allocFrom(uniform(n, 4));
  p = wasm.allocFrom(distributions(rows, cols, 5));
  q = wasm.allocFrom(distributions(rows, cols, 6, 0));
  out = wasm.alloc(n);
});

describe('10,000 calls of each kernel keep memory bounded', () => {
  const small = { learningRate: 1e-3, momentum: 0.9 };
  const cases: [string, () => unknown][] = [
    ['relu', () => wasm.relu(x, out, n)],
    ['reluBackward', () => wasm.reluBackward(x, y, out, n)],
    ['tanh', () => wasm.tanh(x, out, n)],
    ['tanhBackward', () => wasm.tanhBackward(x, y, out, n)],
    ['biasAdd', () => wasm.biasAdd(out, y, rows, cols)],
    ['columnSums', () => wasm.columnSums(x, out, rows, cols)],
    [
      'softmaxCrossEntropy (labels)',
      () =>
        wasm.softmaxCrossEntropy(x, { labels }, rows, cols, { gradient: out, probabilities: z }),
    ],
    [
      'softmaxCrossEntropy (labels, predictions)',
      () =>
        wasm.softmaxCrossEntropy(x, { labels }, rows, cols, { gradient: x, predictions: indices }),
    ],
    [
      'softmaxCrossEntropy (probabilities)',
      () => wasm.softmaxCrossEntropy(x, { probabilities: p }, rows, cols, { gradient: out }),
    ],
    ['entropy', () => wasm.entropy(p, rows, cols, out)],
    ['crossEntropy', () => wasm.crossEntropy(p, q, rows, cols, out)],
    ['klDivergence', () => wasm.klDivergence(p, q, rows, cols, out)],
    ['heavyBall', () => wasm.heavyBall(w, z, y, n, { ...small, telemetry: true })],
    ['momentumUpdate', () => wasm.momentumUpdate(w, z, y, n, { ...small, nesterov: true })],
    [
      'adam',
      () =>
        wasm.adam(w, z, out, y, n, {
          learningRate: 1e-3,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          step: 3,
          weightDecay: 0.01,
        }),
    ],
    ['prodigySums', () => wasm.prodigySums(y, x, z, n, { scale: 1e-6, beta3: 0.9995 })],
    [
      'prodigyUpdate',
      () =>
        wasm.prodigyUpdate(w, x, z, out, y, n, {
          d: 1e-3,
          learningRate: 1,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          nextD: 2e-3,
        }),
    ],
    [
      'lionUpdate',
      () => wasm.lionUpdate(w, z, y, n, { learningRate: 1e-4, beta1: 0.9, beta2: 0.99 }),
    ],
    [
      'scheduleFreeSgdUpdate',
      () =>
        wasm.scheduleFreeSgdUpdate(w, z, x, y, n, {
          learningRate: 0.1,
          momentum: 0.9,
          averaging: 0.5,
        }),
    ],
    [
      'scheduleFreeAdamWUpdate',
      () =>
        wasm.scheduleFreeAdamWUpdate(w, z, x, out, y, n, {
          learningRate: 0.0025,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          step: 3,
          averaging: 0.25,
          weightDecay: 0.01,
        }),
    ],
    ['dot', () => wasm.dot(x, y, n)],
    ['sumOfSquares', () => wasm.sumOfSquares(x, n)],
    ['allFinite', () => wasm.allFinite(x, n)],
    ['argmaxRows', () => wasm.argmaxRows(x, rows, cols, indices)],
  ];
  for (const [name, call] of cases) {
    it(name, () => {
      expectBoundedMemory(wasm, () => {
        call();
      });
    });
  }
});
