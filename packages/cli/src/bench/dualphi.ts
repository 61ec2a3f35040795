/**
 * The dualphi side of `dualphi bench`: each case on a kernel set (the shared wasm kernels).
 */
import type { Kernels } from '@dualphi/core-wasm';
import { createMlp, dualProcess, golden } from '@dualphi/optimizer';
import { type BenchSizes, benchData, benchLabels } from './data.js';

function freeAll(buffers: readonly { free(): void }[]): void {
  for (const buffer of buffers) buffer.free();
}

/** A case ready to time: `run` does one call, `dispose` frees its buffers. */
export interface TimedCase {
  run: () => void;
  dispose: () => void;
}

/** The dualphi side of every case, on `kernels`. Returns a function per case id. */
export function dualphiCases(kernels: Kernels, sizes: BenchSizes): Map<string, TimedCase> {
  const cases = new Map<string, TimedCase>();
  const n = sizes.gemm;
  {
    const a = kernels.allocFrom(benchData(n * n, 1));
    const b = kernels.allocFrom(benchData(n * n, 2));
    const c = kernels.alloc(n * n);
    cases.set('gemm', {
      run: () => kernels.gemm(a, b, c, { m: n, n, k: n }),
      dispose: () => freeAll([a, b, c]),
    });
  }
  {
    const rows = sizes.softmaxRows;
    const logits = kernels.allocFrom(benchData(rows * sizes.classes, 3));
    const gradient = kernels.alloc(rows * sizes.classes);
    const labels = benchLabels(rows, sizes.classes);
    cases.set('softmax', {
      run: () => {
        kernels.softmaxCrossEntropy(logits, { labels }, rows, sizes.classes, { gradient });
      },
      dispose: () => freeAll([logits, gradient]),
    });
  }
  {
    const length = sizes.updateLength;
    const weights = kernels.allocFrom(benchData(length, 4));
    const delta = kernels.alloc(length);
    const gradient = kernels.allocFrom(benchData(length, 5));
    const options = { learningRate: golden.learningRate, momentum: golden.momentum };
    cases.set('update', {
      run: () => {
        kernels.heavyBall(weights, delta, gradient, length, options);
      },
      dispose: () => freeAll([weights, delta, gradient]),
    });
  }
  sizes.steps.forEach((step, index) => {
    const model = createMlp({ ...step, activation: 'relu', seed: 0, kernels });
    const parameters = model.parameters();
    const gradients = parameters.map((parameter) => kernels.alloc(parameter.value.length));
    const optimizer = dualProcess({ telemetry: false });
    const state = optimizer.init(kernels, parameters);
    const input = kernels.allocFrom(benchData(step.batch * step.inputSize, 6));
    const labels = benchLabels(step.batch, step.outputSize);
    cases.set(`step${index}`, {
      run: () => {
        const logits = model.forward(input, step.batch);
        kernels.softmaxCrossEntropy(logits, { labels }, step.batch, step.outputSize, {
          gradient: logits,
        });
        model.backward(logits, step.batch, gradients);
        optimizer.update(kernels, parameters, gradients, state);
      },
      dispose: () => {
        for (const buffer of [...gradients, input, ...state.slots.values()]) buffer.free();
        model.dispose();
      },
    });
  });
  return cases;
}
