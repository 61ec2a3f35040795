import { getDefaultKernels } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from './backends.test-helpers.js';
import { FUSED_BACKENDS } from './fused.js';
import { dualProcess } from './index.js';

function expectRelativelyClose(
  actual: number | undefined,
  expected: number | undefined,
  tolerance: number,
) {
  expect(actual).toBeTypeOf('number');
  expect(expected).toBeTypeOf('number');
  const scale = Math.max(1e-12, Math.abs(expected as number));
  expect(Math.abs((actual as number) - (expected as number)) / scale).toBeLessThan(tolerance);
}

describe.each(BACKENDS)('the fused update on the %s backend', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('gives the same numbers bit for bit as the tfjs ops, telemetry to f32 accuracy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 67 }), { minLength: 1, maxLength: 3 }),
        fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
        // α = 0 or a realistic α: for α near f32's subnormal range the kernel's f32 M = α·Δw
        // underflows to 0 while the tfjs path scales its f64 norms, so only the angle differs.
        fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 0.99, noNaN: true })),
        fc.integer({ min: 1, max: 10_000 }),
        async (shape, learningRate, momentum, seed) => {
          const init = tf.randomNormal(shape, 0, 1, 'float32', seed);
          const viaOps = tf.variable(init, true);
          const viaKernel = tf.variable(init, true);
          const ops = dualProcess({ learningRate, momentum, fused: false, telemetry: true });
          const kernel = dualProcess({ learningRate, momentum, fused: true, telemetry: true });
          await kernel.ready();
          expect([ops.updatePath, kernel.updatePath]).toEqual(['tfjs', 'fused']);
          for (let step = 0; step < 8; step++) {
            const g = tf.randomNormal(shape, 0, 1, 'float32', seed + step + 1);
            ops.applyGradients([{ name: viaOps.name, tensor: g }]);
            kernel.applyGradients([{ name: viaKernel.name, tensor: g }]);
            g.dispose();
            expect(Array.from(viaKernel.dataSync())).toEqual(Array.from(viaOps.dataSync()));
            const a = ops.lastStepTelemetry()?.overall;
            const b = kernel.lastStepTelemetry()?.overall;
            // The tfjs path sums in f32, the kernel in f64: equal to f32 accumulation error.
            expectRelativelyClose(b?.gradientNorm, a?.gradientNorm, 1e-4);
            expectRelativelyClose(b?.momentumNorm, a?.momentumNorm, 1e-4);
            expect(b?.cosine).toBeCloseTo(a?.cosine as number, 3);
          }
          const [opsState, kernelState] = [await ops.getWeights(), await kernel.getWeights()];
          expect(Array.from(kernelState[1].tensor.dataSync())).toEqual(
            Array.from(opsState[1].tensor.dataSync()),
          );
          tf.dispose([opsState[0].tensor, kernelState[0].tensor]);
          ops.dispose();
          kernel.dispose();
          tf.dispose([init, viaOps, viaKernel]);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("chooses the path by backend with 'auto' once the kernels are loaded", async () => {
    const optimizer = dualProcess();
    expect(optimizer.fusedMode).toBe('auto');
    await optimizer.ready();
    expect(optimizer.updatePath).toBe(FUSED_BACKENDS.has(backend) ? 'fused' : 'tfjs');
    optimizer.dispose();
  });

  it('keeps tensors and wasm memory flat over 200 fused steps and frees them on dispose()', async () => {
    const kernels = await getDefaultKernels();
    const variables = [
      tf.variable(tf.randomNormal([33, 17]), true),
      tf.variable(tf.zeros([17]), true),
    ];
    const tensorsBefore = tf.memory().numTensors;
    const bytesBefore = kernels.allocatedBytes();
    const optimizer = dualProcess({ fused: true, telemetry: true });
    await optimizer.ready();
    for (let step = 0; step < 200; step++) {
      tf.tidy(() =>
        optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }))),
      );
      expect(optimizer.lastStepTelemetry()?.overall.gradientNorm).toBeGreaterThan(0);
      if (step === 0) expect(tf.memory().numTensors).toBe(tensorsBefore + 2);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore + 2);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(kernels.allocatedBytes()).toBe(bytesBefore);
    tf.dispose(variables);
  });
});

describe('the fused option', () => {
  afterAll(async () => {
    await useBackend('cpu');
  });

  it('refuses a step with fused: true before ready(), and a bad value', () => {
    const w = tf.variable(tf.zeros([2]), true);
    const g = tf.ones([2]);
    expect(() =>
      dualProcess({ fused: true }).applyGradients([{ name: w.name, tensor: g }]),
    ).toThrow('fused: true needs the wasm kernels; await optimizer.ready() before the first step');
    expect(() => dualProcess({ fused: 'yes' as never })).toThrow(
      `dualProcess: "fused" must be 'auto', true or false, got "yes"`,
    );
    tf.dispose([w, g]);
  });
});
