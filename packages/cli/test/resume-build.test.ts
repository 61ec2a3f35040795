/**
 * `train --resume` and the kernel build: `run.json` records the build a run trained on, and a
 * resume asks for that build, so it stays bit-identical to an uninterrupted run even where the
 * default build differs (Node with relaxed SIMD picks the relaxed-SIMD build by default).
 * Node 20 has relaxed SIMD behind a flag, which the command turns on to resume such a run;
 * where the recorded build cannot run at all, the resume says so and continues on the one it
 * has. `--kernels` chooses the build of a new run.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSavedModel } from '@dualphi/optimizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chosenBuild, resumeBuild } from '../src/files/kernel-build.js';
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
    'resumes a relaxed-SIMD run on Node 20 without the flag on relaxed SIMD (turned on at run time), bit-identical to an uninterrupted run',
    async () => {
      const straight = join(scratch, 'relaxed-straight');
      const partial = join(scratch, 'relaxed-partial');
      const full = await runCli(['train', ...args, '--epochs', '2', '--out', straight], {
        nodeArgs: [FLAG],
      });
      expect(full.code, full.stderr).toBe(0);
      const first = await runCli(['train', ...args, '--epochs', '1', '--out', partial], {
        nodeArgs: [FLAG],
      });
      expect(first.code, first.stderr).toBe(0);
      expect((await runRecord(partial)).kernels).toBe('wasm-relaxed-simd');
      const resumed = await runCli(['train', '--resume', partial, '--epochs', '2']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).not.toContain('bit-identical');
      expect((await runRecord(partial)).kernels).toBe('wasm-relaxed-simd');
      expect(await weightBits(partial)).toEqual(await weightBits(straight));
    },
    180_000,
  );

  it('says so when the recorded relaxed-SIMD build cannot run at all, and continues on SIMD128', async () => {
    const { notice, build } = await resumeBuild('runs/a', 'wasm-relaxed-simd', async () => false);
    expect(build).toBeUndefined();
    expect(notice).toBe(
      '--resume runs/a: the run was trained on the relaxed-SIMD kernels (wasm-relaxed-simd), but this JavaScript engine does not run relaxed SIMD; it continues on wasm-simd, whose products round differently, so the result will not be bit-identical to an uninterrupted run',
    );
    expect(await resumeBuild('runs/a', 'wasm-simd', async () => false)).toEqual({
      build: 'simd128',
    });
    expect(await resumeBuild('runs/a', 'reference', async () => true)).toEqual({});
  });
});

describe('train --kernels', () => {
  it('trains on relaxed SIMD when asked, on Node 20 without the flag too, the same bits as where it is the default', async () => {
    const asked = join(scratch, 'asked-relaxed');
    const byDefault = join(scratch, 'default-relaxed');
    const first = await runCli([
      'train',
      ...args,
      '--epochs',
      '1',
      '--kernels',
      'relaxed-simd',
      '--out',
      asked,
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect((await runRecord(asked)).kernels).toBe('wasm-relaxed-simd');
    const second = await runCli(['train', ...args, '--epochs', '1', '--out', byDefault], {
      nodeArgs: relaxedNode,
    });
    expect(second.code, second.stderr).toBe(0);
    expect(await weightBits(asked)).toEqual(await weightBits(byDefault));
  }, 120_000);

  it('trains on SIMD128 when asked, even where relaxed SIMD is the default', async () => {
    const out = join(scratch, 'asked-simd128');
    const result = await runCli(
      ['train', ...args, '--epochs', '1', '--kernels', 'simd128', '--out', out],
      { nodeArgs: relaxedNode },
    );
    expect(result.code, result.stderr).toBe(0);
    expect((await runRecord(out)).kernels).toBe('wasm-simd');
  }, 120_000);

  it('refuses a build that is not one, and a resume on another build than the recorded one', async () => {
    const bogus = await runCli(['train', '--kernels', 'avx512']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain(
      "argument 'avx512' is invalid. Allowed choices are auto, simd128, relaxed-simd.",
    );
    const out = join(scratch, 'asked-relaxed');
    const other = await runCli(['train', '--resume', out, '--epochs', '2', '--kernels', 'simd128']);
    expect(other.code).toBe(2);
    expect(other.stderr.replace(/\s+/g, ' ')).toContain(
      `--kernels simd128: the run in ${out} was trained on wasm-relaxed-simd (run.json), and a resumed run continues on its own build so that it matches an uninterrupted one; drop --kernels`,
    );
  }, 120_000);

  it('refuses relaxed-simd where the engine has none, naming what to use', async () => {
    await expect(chosenBuild('relaxed-simd', async () => false)).rejects.toThrow(
      '--kernels relaxed-simd: this JavaScript engine does not run WebAssembly relaxed SIMD (Node 20 and later, Chrome 114 and Firefox 145 do); use --kernels simd128 or auto',
    );
    expect(await chosenBuild('auto', async () => false)).toBeUndefined();
    expect(await chosenBuild('simd128', async () => false)).toBe('simd128');
  });
});
