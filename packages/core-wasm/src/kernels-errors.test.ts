/**
 * Bad input to the non-GEMM wasm kernels: a RangeError or TypeError naming the argument,
 * thrown by the wrapper before the kernel runs (the output is left untouched).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKernels } from './loader.js';
import { createReferenceKernels } from './reference/index.js';
import type { F32Buffer, Kernels } from './types.js';
import type { WasmKernels } from './wasm-kernels.js';

let wasm: WasmKernels;
let other: WasmKernels;
let a: F32Buffer;
let b: F32Buffer;
let c: F32Buffer;
let d: F32Buffer;

beforeAll(async () => {
  wasm = await loadKernels();
  other = await loadKernels();
  a = wasm.allocFrom([1, 2, 3, 4, 5, 6]);
  b = wasm.allocFrom([6, 5, 4, 3, 2, 1]);
  c = wasm.allocFrom([7, 7, 7, 7, 7, 7]);
  d = wasm.allocFrom([0, 0, 0, 0, 0, 0]);
});

describe('wasm kernels reject bad input before running', () => {
  it('sizes that are not positive integers', () => {
    expect(() => wasm.relu(a, c, 0)).toThrow(RangeError);
    expect(() => wasm.relu(a, c, 2.5)).toThrow(/"n" must be a positive integer/);
    expect(() => wasm.tanh(a, c, Number.NaN)).toThrow(/"n"/);
    expect(() => wasm.biasAdd(a, b, -1, 3)).toThrow(/"rows"/);
    expect(() => wasm.entropy(a, 2, 1.5)).toThrow(/"cols"/);
    expect(() => wasm.softmaxCrossEntropy(a, { labels: [0, 1] }, 2, 0)).toThrow(/"classes"/);
    expect(() => wasm.dot(a, b, '3' as unknown as number)).toThrow(/"n"/);
    expect(Array.from(c.view)).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it('buffers that are too short, freed, or from another kernel set', () => {
    expect(() => wasm.relu(a, c, 7)).toThrow(/"x" holds 6 values but n = 7/);
    expect(() => wasm.columnSums(a, wasm.alloc(2), 2, 3)).toThrow(/"out" holds 2 values/);
    expect(() => wasm.tanh(a, other.alloc(6), 6)).toThrow(TypeError);
    expect(() => wasm.tanh(a, createReferenceKernels().alloc(6), 6)).toThrow(/"out"/);
    expect(() => wasm.dot(a, {} as F32Buffer, 6)).toThrow(TypeError);
    const freed = wasm.alloc(6);
    freed.free();
    expect(() => wasm.sumOfSquares(freed, 6)).toThrow(/"a" has been freed/);
    expect(() => wasm.entropy(a, 2, 3, freed)).toThrow(/"out" has been freed/);
    expect(Array.from(c.view)).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it('labels outside [0, classes), non-integer or missing', () => {
    expect(() => wasm.softmaxCrossEntropy(a, { labels: [0, 3] }, 2, 3)).toThrow(/"labels"\[1\]/);
    expect(() => wasm.softmaxCrossEntropy(a, { labels: [0, -1] }, 2, 3)).toThrow(RangeError);
    expect(() => wasm.softmaxCrossEntropy(a, { labels: [0.5, 1] }, 2, 3)).toThrow(RangeError);
    expect(() => wasm.softmaxCrossEntropy(a, { labels: [1] }, 2, 3)).toThrow(/holds 1 values/);
    expect(() =>
      wasm.softmaxCrossEntropy(a, { labels: Int32Array.of(0, 1), probabilities: b } as never, 2, 3),
    ).toThrow(/exactly one/);
    expect(() => wasm.softmaxCrossEntropy(a, { probabilities: b }, 2, 3, { gradient: b })).toThrow(
      /different buffers/,
    );
    expect(() =>
      wasm.softmaxCrossEntropy(a, { labels: [0, 1] }, 2, 3, { probabilities: a }),
    ).toThrow(/different buffers/);
  });

  it('hyper-parameters that are NaN, infinite or out of range', () => {
    const rates = { learningRate: 0.1, momentum: 0.9 };
    expect(() => wasm.heavyBall(a, b, c, 6, { ...rates, learningRate: Number.NaN })).toThrow(
      /"learningRate" must be a finite number ≥ 0, got NaN/,
    );
    expect(() => wasm.heavyBall(a, b, c, 6, { ...rates, momentum: 1 })).toThrow(/"momentum"/);
    expect(() => wasm.heavyBall(a, b, c, 6, { ...rates, telemetry: 1 as never })).toThrow(
      TypeError,
    );
    expect(() => wasm.momentumUpdate(a, b, c, 6, { ...rates, learningRate: -1 })).toThrow(
      /"learningRate"/,
    );
    expect(() => wasm.heavyBall(a, a, c, 6, rates)).toThrow(/different buffers/);
    const adam = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 1 };
    expect(() => wasm.adam(a, b, c, d, 6, { ...adam, beta1: 1 })).toThrow(/"beta1"/);
    expect(() => wasm.adam(a, b, c, d, 6, { ...adam, beta2: Number.POSITIVE_INFINITY })).toThrow(
      /"beta2"/,
    );
    expect(() => wasm.adam(a, b, c, d, 6, { ...adam, epsilon: 0 })).toThrow(/"epsilon"/);
    expect(() => wasm.adam(a, b, c, d, 6, { ...adam, step: 1.5 })).toThrow(/"step"/);
    expect(() => wasm.adam(a, b, c, d, 6, { ...adam, weightDecay: -0.1 })).toThrow(/"weightDecay"/);
    expect(() => wasm.heavyBall(a, b, c, 6, undefined as never)).toThrow(TypeError);
    const sums = { scale: 1e-6, beta3: 0.9995 };
    expect(() => wasm.prodigySums(a, b, c, 6, { ...sums, scale: -1 })).toThrow(
      /prodigySums: "scale" must be a finite number ≥ 0, got -1/,
    );
    expect(() => wasm.prodigySums(a, b, c, 6, { ...sums, beta3: 1 })).toThrow(/"beta3"/);
    expect(() => wasm.prodigySums(a, b, b, 6, sums)).toThrow(/different buffers/);
    const prodigy = { d: 1e-6, learningRate: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    expect(() => wasm.prodigyUpdate(a, b, c, d, a, 6, prodigy)).toThrow(/different buffers/);
    const e = wasm.alloc(6);
    expect(() => wasm.prodigyUpdate(a, b, c, d, e, 6, { ...prodigy, d: 0 })).toThrow(
      /prodigyUpdate: "d" must be a finite number > 0, got 0/,
    );
    expect(() => wasm.prodigyUpdate(a, b, c, d, e, 6, { ...prodigy, nextD: Number.NaN })).toThrow(
      /"nextD"/,
    );
    expect(() => wasm.prodigyUpdate(a, b, c, d, e, 6, { ...prodigy, weightDecay: -1 })).toThrow(
      /"weightDecay"/,
    );
    expect(() => wasm.prodigyUpdate(a, b, c, d, e, 6, undefined as never)).toThrow(TypeError);
    e.free();
    expect(Array.from(a.view)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('an argmax output that is not an Int32Array or too short', () => {
    expect(() => wasm.argmaxRows(a, 2, 3, new Int32Array(1))).toThrow(/"out" holds 1 values/);
    expect(() => wasm.argmaxRows(a, 2, 3, [] as unknown as Int32Array)).toThrow(TypeError);
  });
});

describe('the reference rejects exactly what the wasm kernels reject', () => {
  /** Bad calls, each given a kernel set and six buffers of six values from it. */
  const badCalls: [string, (k: Kernels, b: F32Buffer[]) => unknown][] = [
    ['n = 0', (k, [x, y]) => k.relu(x, y, 0)],
    ['short buffer', (k, [x, y]) => k.tanh(x, y, 7)],
    ['rows not an integer', (k, [x, y]) => k.biasAdd(x, y, 1.5, 2)],
    ['bias too short', (k, [x]) => k.biasAdd(x, k.alloc(2), 2, 3)],
    ['columnSums aliasing', (k, [x]) => k.columnSums(x, x, 2, 3)],
    ['label out of range', (k, [x]) => k.softmaxCrossEntropy(x, { labels: [0, 3] }, 2, 3)],
    ['labels not an array', (k, [x]) => k.softmaxCrossEntropy(x, { labels: 'ab' as never }, 2, 3)],
    ['no targets', (k, [x]) => k.softmaxCrossEntropy(x, {} as never, 2, 3)],
    [
      'probabilities output over logits',
      (k, [x]) => k.softmaxCrossEntropy(x, { labels: [0, 1] }, 2, 3, { probabilities: x }),
    ],
    ['entropy out too short', (k, [x]) => k.entropy(x, 6, 1, k.alloc(5))],
    ['KL with q short', (k, [x]) => k.klDivergence(x, k.alloc(5), 2, 3)],
    [
      'NaN learning rate',
      (k, [w, d, g]) => k.heavyBall(w, d, g, 6, { learningRate: Number.NaN, momentum: 0 }),
    ],
    [
      'momentum 1',
      (k, [w, v, g]) => k.momentumUpdate(w, v, g, 6, { learningRate: 0.1, momentum: 1 }),
    ],
    [
      'beta2 negative',
      (k, [w, m, v, g]) =>
        k.adam(w, m, v, g, 6, { learningRate: 0.1, beta1: 0.9, beta2: -1, epsilon: 1e-8, step: 1 }),
    ],
    ['prodigySums beta3 1', (k, [g, x, s]) => k.prodigySums(g, x, s, 6, { scale: 1, beta3: 1 })],
    [
      'prodigyUpdate epsilon 0',
      (k, [w, x, m, v, g]) =>
        k.prodigyUpdate(w, x, m, v, g, 6, {
          d: 1,
          learningRate: 1,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 0,
          nextD: 1,
        }),
    ],
    ['dot with a foreign buffer', (k, [x]) => k.dot(x, createReferenceKernels().alloc(6), 6)],
    ['argmax into a plain array', (k, [x]) => k.argmaxRows(x, 2, 3, [0, 0] as never)],
    ['gemm with m = 0', (k, [a, b, c]) => k.gemm(a, b, c, { m: 0, n: 2, k: 3 })],
    [
      'gemm with a bias shorter than n',
      (k, [a, b, c]) => k.gemm(a, b, c, { m: 1, n: 2, k: 3, bias: k.alloc(1) }),
    ],
    ['gemm with C as its bias', (k, [a, b, c]) => k.gemm(a, b, c, { m: 2, n: 2, k: 3, bias: c })],
    [
      'gemm with an unknown activation',
      (k, [a, b, c]) => k.gemm(a, b, c, { m: 2, n: 2, k: 3, activation: 'tanh' as never }),
    ],
  ];
  for (const [name, call] of badCalls) {
    it(name, () => {
      const errors = ([wasm, createReferenceKernels()] as Kernels[]).map((kernels) => {
        const buffers = Array.from({ length: 6 }, () => kernels.allocFrom([1, 2, 3, 4, 5, 6]));
        try {
          call(kernels, buffers);
        } catch (error) {
          return error as Error;
        }
        return expect.fail(`${kernels.name}: ${name} was accepted`);
      });
      expect(errors[1].constructor).toBe(errors[0].constructor);
      expect(errors[1].message).toBe(errors[0].message);
    });
  }
});
