/**
 * Accuracy of the vector exp and log of assembly/math.ts, in ulps against Math.exp and
 * Math.log rounded to f32 (the correctly rounded result, up to double rounding). The bound
 * stated in math.ts is what these tests assert.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KernelExports } from './kernel-exports.js';
import { ulpDistance, uniform } from './kernels.test-helpers.js';
import { wasmUrl } from './loader.js';

/** Stated bound of expVector and logVector (math.ts). */
const MAX_ULP = 1;

let raw: KernelExports & { memory: WebAssembly.Memory; alloc(bytes: number): number };

beforeAll(async () => {
  const bytes = await readFile(wasmUrl);
  const imports = {
    env: {
      abort: () => {
        throw new Error('abort');
      },
    },
  };
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  raw = instance.exports as unknown as typeof raw;
});

/** Runs `kernel` on `inputs` inside wasm memory and returns the outputs. */
function apply(kernel: 'expArray' | 'logArray', inputs: Float32Array): Float32Array {
  const x = raw.alloc(inputs.length * 4);
  const out = raw.alloc(inputs.length * 4);
  new Float32Array(raw.memory.buffer, x, inputs.length).set(inputs);
  raw[kernel](x, out, inputs.length);
  return new Float32Array(raw.memory.buffer, out, inputs.length).slice();
}

/** Largest ulp distance from the reference over `inputs`, with the worst input. */
function worstUlp(outputs: Float32Array, inputs: Float32Array, reference: (x: number) => number) {
  let worst = 0;
  let at = Number.NaN;
  for (let i = 0; i < inputs.length; i++) {
    const distance = ulpDistance(outputs[i], Math.fround(reference(inputs[i])));
    if (distance > worst) {
      worst = distance;
      at = inputs[i];
    }
  }
  return { worst, at };
}

/** Every f32 in [lo, hi] stepping through the bit patterns by `stride` (a dense, even sample). */
function bitSweep(lo: number, hi: number, stride: number): Float32Array {
  const f = new Float32Array(1);
  const bits = new Int32Array(f.buffer);
  const values: number[] = [];
  const sign = (x: number) => (x < 0 ? -1 : 1);
  for (const [from, to] of sign(lo) === sign(hi)
    ? [[lo, hi]]
    : [
        [lo, -0],
        [0, hi],
      ]) {
    f[0] = Math.abs(from) < Math.abs(to) ? from : to;
    const start = bits[0];
    f[0] = Math.abs(from) < Math.abs(to) ? to : from;
    const end = bits[0];
    for (let b = start; b <= end; b += stride) {
      bits[0] = b;
      values.push(f[0]);
    }
  }
  return Float32Array.from(values);
}

describe('expVector (Cephes expf)', () => {
  it(`is within ${MAX_ULP} ulp of Math.exp over [−87, 88]`, () => {
    const inputs = Float32Array.from([
      ...bitSweep(-87, 88, 2111),
      ...uniform(200_000, 11, -87, 88),
      ...uniform(50_000, 12, -1, 1),
    ]);
    const { worst, at } = worstUlp(apply('expArray', inputs), inputs, Math.exp);
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(MAX_ULP);
  });

  it('is exactly 1 at 0, 0 far below, and saturates far above', () => {
    const out = apply('expArray', Float32Array.of(0, -88, -1e4, -Infinity, 100, Number.NaN, 1));
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(0);
    expect(out[2]).toBe(0);
    expect(out[3]).toBe(0);
    expect(out[4] / Math.exp(88.3762626647949)).toBeCloseTo(1, 5);
    expect(Number.isNaN(out[5])).toBe(true);
    expect(ulpDistance(out[6], Math.fround(Math.E))).toBeLessThanOrEqual(MAX_ULP);
  });
});

describe('logVector (Cephes logf)', () => {
  it(`is within ${MAX_ULP} ulp of Math.log for positive normal and subnormal x`, () => {
    const inputs = Float32Array.from([
      ...bitSweep(1e-45, 3.4e38, 4093),
      ...uniform(200_000, 21, 0, 1),
      ...uniform(50_000, 22, 0.5, 2),
      ...uniform(20_000, 23, 1, 1e6),
    ]).filter((x) => x > 0);
    const { worst, at } = worstUlp(apply('logArray', inputs), inputs, Math.log);
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(MAX_ULP);
  });

  it('gives −∞ at 0, ∞ at ∞, NaN below 0 and exactly 0 at 1', () => {
    const out = apply('logArray', Float32Array.of(0, -0, Infinity, -1, Number.NaN, 1, -Infinity));
    expect(Array.from(out.subarray(0, 3))).toEqual([-Infinity, -Infinity, Infinity]);
    expect(Number.isNaN(out[3]) && Number.isNaN(out[4]) && Number.isNaN(out[6])).toBe(true);
    expect(out[5]).toBe(0);
  });
});
