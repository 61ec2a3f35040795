/**
 * `train({ build })` without relaxed SIMD (Node 20 as `npm test` runs it): SIMD128 by name and
 * by default, the same weights either way, and clear refusals. The relaxed build trains in
 * builds.relaxed.test.ts (the vitest project with --experimental-wasm-relaxed-simd).
 */
import { loadKernels, relaxedSimdSupported } from '@dualphi/core-wasm';
import { describe, expect, it } from 'vitest';
import { getDefaultKernels } from '../kernels.js';
import { dualProcess } from '../optimizers/index.js';
import { blobSplit } from './synthetic.test-helpers.js';
import { train } from './train.js';
import type { TrainOptions, TrainResult } from './types.js';

const data = blobSplit(200, 40, 37, 5, 3, 0.8);
const base = (): TrainOptions => ({
  data,
  hidden: [19],
  epochs: 2,
  batchSize: 32,
  seed: 5,
  optimizer: dualProcess({ learningRate: 0.05 }),
});
const weightsOf = (result: TrainResult) =>
  Object.entries(result.model.getWeights()).map(([name, w]) => [
    name,
    Array.from(new Uint32Array(Float32Array.from(w).buffer)),
  ]);

describe('train({ build })', () => {
  it("trains on the SIMD128 build by name, on 1 and 2 threads, as getDefaultKernels(threads, 'simd128')", async () => {
    const one = await train({ ...base(), build: 'simd128' });
    expect(one.model.kernels.name).toBe('wasm-simd');
    expect(one.model.kernels).toBe(await getDefaultKernels(1, 'simd128'));
    const two = await train({ ...base(), build: 'simd128', threads: 2 });
    expect(two.model.kernels).toBe(await getDefaultKernels(2, 'simd128'));
    expect(weightsOf(two)).toEqual(weightsOf(one));
  });

  it.runIf(!relaxedSimdSupported())(
    'falls back to SIMD128 by default and refuses relaxed-simd where the engine lacks it',
    async () => {
      const plain = await train({ ...base(), build: 'simd128' });
      const byDefault = await train(base());
      expect(byDefault.model.kernels.name).toBe('wasm-simd');
      expect(weightsOf(byDefault)).toEqual(weightsOf(plain));
      await expect(train({ ...base(), build: 'relaxed-simd' })).rejects.toThrow(
        /build 'relaxed-simd' needs WebAssembly relaxed SIMD, and Node .* runs it only with the flag --experimental-wasm-relaxed-simd; use build: 'simd128' or 'auto'/,
      );
    },
  );

  it('refuses a build that is not one, and a build with kernels', async () => {
    await expect(train({ ...base(), build: 'sse' as never })).rejects.toThrow(
      /"build" must be 'auto', 'simd128' or 'relaxed-simd'; got 'sse'/,
    );
    const kernels = await loadKernels({ build: 'simd128' });
    await expect(train({ ...base(), build: 'simd128', kernels })).rejects.toThrow(
      new TypeError(
        'train: give "build" or "kernels", not both (kernels from loadKernels({ threads, build }) carry their own thread count and build)',
      ),
    );
  });
});
