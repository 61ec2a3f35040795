/**
 * `train --resume` and the kernel build: `run.json` records the build a run trained on, and a
 * resume asks for that build, so it stays bit-identical to an uninterrupted run even where the
 * default build differs (Node with relaxed SIMD picks the relaxed-SIMD build by default).
 * Where the recorded build cannot run, the resume says so and continues on the one it has.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSavedModel } from '@dualphi/optimizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const FLAG = '--experimental-wasm-relaxed-simd';
const node20 = Number.parseInt(process.versions.node, 10) < 21;
/** Node arguments that enable relaxed SIMD (none from Node 21 on, which refuses the flag). */
const relaxedNode = node20 ? [FLAG] : [];
const args = ['--hidden', '32', '--batch', '64', '--seed', '3'];

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-cli-resume-build-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const runRecord = async (directory: string) =>
  JSON.parse(await readFile(join(directory, 'run.json'), 'utf8')) as { kernels: string };
const weightBits = async (directory: string) => {
  const model = decodeSavedModel(new Uint8Array(await readFile(join(directory, 'model.dualphi'))));
  return Object.fromEntries(
    Object.entries(model.weights).map(([name, w]) => [name, Buffer.from(w.buffer).toString('hex')]),
  );
};

describe('train --resume on the recorded kernel build', () => {
  it('records the relaxed-SIMD build where it is the default', async () => {
    const out = join(scratch, 'relaxed');
    const result = await runCli(['train', ...args, '--epochs', '1', '--out', out], {
      nodeArgs: relaxedNode,
    });
    expect(result.code, result.stderr).toBe(0);
    expect((await runRecord(out)).kernels).toBe('wasm-relaxed-simd');
  }, 120_000);

  it.runIf(node20)(
    'resumes a SIMD128 run on SIMD128 where relaxed SIMD is the default, bit-identical to an uninterrupted run',
    async () => {
      const straight = join(scratch, 'straight');
      const partial = join(scratch, 'partial');
      const full = await runCli(['train', ...args, '--epochs', '2', '--out', straight]);
      expect(full.code, full.stderr).toBe(0);
      const first = await runCli(['train', ...args, '--epochs', '1', '--out', partial]);
      expect(first.code, first.stderr).toBe(0);
      expect((await runRecord(partial)).kernels).toBe('wasm-simd');
      const resumed = await runCli(['train', '--resume', partial, '--epochs', '2'], {
        nodeArgs: [FLAG],
      });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).not.toContain('bit-identical');
      expect((await runRecord(partial)).kernels).toBe('wasm-simd');
      expect(await weightBits(partial)).toEqual(await weightBits(straight));
    },
    180_000,
  );

  it.runIf(node20)(
    'says so when the recorded relaxed-SIMD build cannot run here, and continues on SIMD128',
    async () => {
      const out = join(scratch, 'unavailable');
      const first = await runCli(['train', ...args, '--epochs', '1', '--out', out], {
        nodeArgs: [FLAG],
      });
      expect(first.code, first.stderr).toBe(0);
      expect((await runRecord(out)).kernels).toBe('wasm-relaxed-simd');
      const resumed = await runCli(['train', '--resume', out, '--epochs', '2']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr.replace(/\s+/g, ' ')).toContain(
        `--resume ${out}: the run was trained on the relaxed-SIMD kernels (wasm-relaxed-simd), but Node ${process.versions.node} runs relaxed SIMD only with the flag ${FLAG}`,
      );
      expect(resumed.stderr.replace(/\s+/g, ' ')).toContain(
        'it continues on wasm-simd, whose products round differently, so the result will not be bit-identical to an uninterrupted run',
      );
      expect((await runRecord(out)).kernels).toBe('wasm-simd');
    },
    180_000,
  );
});
