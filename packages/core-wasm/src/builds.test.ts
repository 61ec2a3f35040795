/**
 * Choosing the build without relaxed SIMD (Node 20 as `npm test` runs it): the probe is a
 * well-formed module, `'auto'` falls back to SIMD128, and forcing relaxed SIMD is refused with
 * a message saying why and what to use. The relaxed build itself is tested in
 * gemm.relaxed.test.ts (the vitest project that runs with --experimental-wasm-relaxed-simd).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { probes, relaxedSimdSupported } from './builds.js';
import {
  loadKernels,
  relaxedWasmUrl,
  sharedRelaxedWasmUrl,
  sharedWasmUrl,
  wasmUrl,
} from './loader.js';

const FLAG = '--experimental-wasm-relaxed-simd';
/** Whether this Node runs relaxed SIMD: from Node 21 on, or Node 20 with the flag. */
const expectSupport =
  Number.parseInt(process.versions.node, 10) >= 21 || process.execArgv.includes(FLAG);

/** How often `f32x4.relaxed_madd` (0xfd 0x105, LEB128 0x85 0x02) occurs in a module's bytes. */
function relaxedMadds(bytes: Uint8Array): number {
  let count = 0;
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02) count++;
  }
  return count;
}

describe('kernel builds', () => {
  it('probes with a well-formed module: its SIMD128 twin validates, and relaxed SIMD is detected as this Node has it', () => {
    expect(WebAssembly.validate(probes.simd128)).toBe(true);
    expect(relaxedSimdSupported()).toBe(expectSupport);
    expect(WebAssembly.validate(probes.relaxed)).toBe(expectSupport);
  });

  it('ships relaxed_madd in the relaxed builds only', async () => {
    for (const url of [relaxedWasmUrl, sharedRelaxedWasmUrl]) {
      expect(relaxedMadds(new Uint8Array(await readFile(url)))).toBeGreaterThan(0);
    }
    for (const url of [wasmUrl, sharedWasmUrl]) {
      expect(relaxedMadds(new Uint8Array(await readFile(url)))).toBe(0);
    }
  });

  it('rejects a build that is not one', async () => {
    await expect(loadKernels({ build: 'avx2' as never })).rejects.toThrow(
      new TypeError(
        "loadKernels: \"build\" must be 'auto', 'simd128' or 'relaxed-simd'; got 'avx2'",
      ),
    );
    await expect(loadKernels({ build: 3 as never })).rejects.toThrow(/got 3$/);
  });

  it('loads the SIMD128 build when asked, on any engine, with 1 and 2 threads', async () => {
    const one = await loadKernels({ build: 'simd128' });
    expect([one.name, one.build]).toEqual(['wasm-simd', 'simd128']);
    const two = await loadKernels({ build: 'simd128', threads: 2 });
    expect([two.name, two.build, two.threads]).toEqual(['wasm-simd', 'simd128', 2]);
    await two.close();
  });

  describe.runIf(!expectSupport)('without relaxed SIMD (Node 20 without the flag)', () => {
    it("falls back to SIMD128 for 'auto' and by default", async () => {
      for (const options of [{}, { build: 'auto' as const }, { threads: 2 }]) {
        const kernels = await loadKernels(options);
        expect([kernels.name, kernels.build]).toEqual(['wasm-simd', 'simd128']);
        await kernels.close();
      }
    });

    it("refuses build 'relaxed-simd', naming the flag and what to use instead", async () => {
      const message = `loadKernels: build 'relaxed-simd' needs WebAssembly relaxed SIMD, and Node ${process.versions.node} runs it only with the flag ${FLAG}; use build: 'simd128' or 'auto' (which falls back to simd128)`;
      await expect(loadKernels({ build: 'relaxed-simd' })).rejects.toThrow(new Error(message));
      await expect(loadKernels({ build: 'relaxed-simd', threads: 2 })).rejects.toThrow(
        new Error(message),
      );
    });
  });

  it('enableRelaxedSimd() makes relaxed SIMD available to the process (Node 20: its flag turned on at run time), after which auto picks it', async () => {
    // In a child process: the flag changes the whole process, and this file's other tests
    // expect the engine as npm test starts it.
    const entry = new URL('../dist/index.js', import.meta.url);
    if (!existsSync(entry)) throw new Error('dist/index.js is missing: run the build first');
    const script = `const m = await import(${JSON.stringify(entry.href)});
      const before = m.relaxedSimdSupported();
      const enabled = await m.enableRelaxedSimd();
      const one = await m.loadKernels();
      const two = await m.loadKernels({ threads: 2 });
      const a = one.allocFrom(Float32Array.from({ length: 64 }, (_, i) => i / 7));
      const c = one.alloc(64);
      one.gemm(a, a, c, { m: 8, n: 8, k: 8 });
      console.log(JSON.stringify({ before, enabled, after: m.relaxedSimdSupported(),
        builds: [one.build, two.build], c00: c.view[0] }));
      await two.close();`;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { timeout: 20_000 },
        (error, out) => (error ? reject(error) : resolve(out)),
      );
    });
    const result = JSON.parse(stdout.trim());
    expect(result.before).toBe(expectSupport);
    expect(result.enabled).toBe(true);
    expect(result.after).toBe(true);
    expect(result.builds).toEqual(['relaxed-simd', 'relaxed-simd']);
    // Row 0 of A times column 0 of A: Σ (p/7)·(8p/7) over p < 8.
    let expected = 0;
    for (let p = 0; p < 8; p++) expected += (p / 7) * ((8 * p) / 7);
    expect(result.c00).toBeCloseTo(expected, 4);
  });
});
