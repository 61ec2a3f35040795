/**
 * Run directories through the built binary: self-describing (run.json, used again by
 * `evaluate --model` and `--resume`), never overwritten unasked, never mixed (a replacement is
 * all-or-nothing), and never scored on the rows a model was trained on.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, decodeCheckpoint, decodeSavedModel } from '@dualphi/optimizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-cli-run-directory-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Every file of a directory with its bytes, to show a directory was left exactly as it was. */
async function snapshot(directory: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(directory)).sort()) {
    files[name] = (await readFile(join(directory, name))).toString('base64');
  }
  return files;
}

/** Entries of `directory` that a write in progress or a staged run would leave behind. */
async function leftovers(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => /\.tmp$|dualphi-(staging|old)/.test(name));
}

async function runJson(directory: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(directory, 'run.json'), 'utf8'));
}

/** Three separable classes on features of very different scales (standardisation matters). */
async function csvFile(name: string, rows: number, offset = 0): Promise<string> {
  const line = (i: number) => {
    const k = i % 3;
    const jitter = ((i * 7919) % 101) / 101 - 0.5;
    return `${(100 + 50 * k + 20 * jitter).toFixed(3)},${(0.01 * k + 0.004 * jitter).toFixed(5)},${['a', 'b', 'c'][k]}`;
  };
  const path = join(scratch, name);
  await writeFile(
    path,
    `big,small,kind\n${Array.from({ length: rows }, (_, i) => line(i + offset)).join('\n')}\n`,
  );
  return path;
}

/** An IDX file: magic (u8 data, `dims` dimensions), big-endian sizes, then the bytes. */
function idx(dims: number[], values: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  view.setUint8(2, 8);
  view.setUint8(3, dims.length);
  for (const [i, size] of dims.entries()) view.setUint32(4 + 4 * i, size);
  return new Uint8Array([...header, ...values]);
}

/** A small stand-in for Fashion-MNIST: 28×28 images, three classes told apart by a bright row. */
async function fakeFashionMnist(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  const part = async (prefix: string, count: number) => {
    const pixels = new Uint8Array(count * 784);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      labels[i] = i % 3;
      for (let x = 0; x < 28; x++) pixels[i * 784 + (5 + 8 * labels[i]) * 28 + x] = 255;
      pixels[i * 784 + ((i * 37) % 784)] = 128;
    }
    await writeFile(join(directory, `${prefix}-images-idx3-ubyte`), idx([count, 28, 28], pixels));
    await writeFile(join(directory, `${prefix}-labels-idx1-ubyte`), idx([count], labels));
  };
  await part('train', 150);
  await part('t10k', 60);
}

describe('run.json', () => {
  it('records the data, split, scaling, network, optimizer, settings, software, times and status', async () => {
    const data = await csvFile('recorded.csv', 90);
    const out = join(scratch, 'recorded');
    const result = await runCli([
      'train',
      '--data',
      data,
      '--label',
      'kind',
      '--test-split',
      '0.3',
      '--seed',
      '5',
      '--hidden',
      '16',
      '--epochs',
      '2',
      '--optimizer',
      'adam',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const record = await runJson(out);
    expect(record).toMatchObject({
      version: 1,
      command: 'train',
      status: 'finished',
      kernels: 'wasm-simd',
      data: { data, label: 'kind' },
      split: { kind: 'fraction', fraction: 0.3, seed: 5, stratified: true },
      scaling: { method: 'standard', file: 'scaling.json' },
      network: { inputSize: 2, hidden: [16], outputSize: 3, activation: 'relu' },
      optimizer: { label: 'adam', name: 'adam', hyperParameters: { learningRate: 0.001 } },
      epochs: 2,
      epochsCompleted: 2,
      batchSize: 32,
      seed: 5,
      labelSmoothing: 0,
    });
    expect(record.dualphi).toMatch(/^\d+\.\d+\.\d+/);
    const started = Date.parse(record.startedAt as string);
    const ended = Date.parse(record.endedAt as string);
    expect(started).toBeLessThanOrEqual(ended);
    expect(Date.now() - ended).toBeLessThan(120_000);
    expect(await leftovers(scratch)).toEqual([]);
  });

  it('a run.json of an unknown version or shape is refused, naming the file', async () => {
    const out = join(scratch, 'future');
    expect((await runCli(['train', '--epochs', '1', '--hidden', '8', '--out', out])).code).toBe(0);
    const record = await runJson(out);
    await writeFile(join(out, 'run.json'), JSON.stringify({ ...record, version: 7 }));
    const evaluated = await runCli(['evaluate', '--model', out]);
    expect(evaluated.code).toBe(1);
    expect(evaluated.stderr).toContain(join(out, 'run.json'));
    expect(evaluated.stderr).toMatch(/version 7 was written by a newer dualphi/);
    await writeFile(join(out, 'run.json'), JSON.stringify({ ...record, split: { kind: 'x' } }));
    const resumed = await runCli(['train', '--resume', out, '--epochs', '2']);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/run\.json: "split" must be/);
  });
});

describe('evaluate --model DIR', () => {
  it('takes the data source from run.json: `evaluate --model runs/fashion` works as printed', async () => {
    const env = { DUALPHI_DATA: join(scratch, 'datasets') };
    await fakeFashionMnist(join(scratch, 'datasets', 'fashion-mnist'));
    const out = join(scratch, 'runs', 'fashion');
    const trained = await runCli(
      [
        'train',
        '--json',
        '--data',
        'fashion-mnist',
        '--hidden',
        '8',
        '--epochs',
        '2',
        '--out',
        out,
      ],
      { env },
    );
    expect(trained.code, trained.stderr).toBe(0);
    // Before: "expects 784 features per sample, digits has 64" (the default --data digits).
    const evaluated = await runCli(['evaluate', '--json', '--model', out], { env });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const evaluation = JSON.parse(evaluated.stdout);
    expect(evaluation.data).toMatchObject({ source: 'fashion-mnist', count: 60 });
    expect(evaluation.accuracy).toBeCloseTo(JSON.parse(trained.stdout).final.testAccuracy, 12);
    // A flag that contradicts the run names both values.
    const contradicting = await runCli(['train', '--resume', out, '--data', 'digits'], { env });
    expect(contradicting.code).toBe(2);
    expect(contradicting.stderr).toContain(
      `--data digits contradicts the run in ${out}, which used --data fashion-mnist`,
    );
  });

  it('scores the held-out rows of the run’s own split (same fraction and seed), never training rows', async () => {
    const data = await csvFile('split.csv', 120);
    const out = join(scratch, 'split-run');
    const trained = await runCli([
      'train',
      '--json',
      '--data',
      data,
      '--label',
      'kind',
      '--test-split',
      '0.25',
      '--seed',
      '11',
      '--hidden',
      '16',
      '--epochs',
      '5',
      '--out',
      out,
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const final = JSON.parse(trained.stdout);
    const evaluated = await runCli(['evaluate', '--json', '--model', out]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const evaluation = JSON.parse(evaluated.stdout);
    expect(evaluation.data.count).toBe(final.config.data.test.count);
    expect(evaluation.accuracy).toBeCloseTo(final.final.testAccuracy, 12);
    expect(evaluation.crossEntropy).toBeCloseTo(final.final.testLoss, 5);
    // The same data with another fraction or seed would mix in training rows.
    const fraction = await runCli(['evaluate', '--model', out, '--test-split', '0.5']);
    expect(fraction.code).toBe(2);
    expect(fraction.stderr).toContain(
      `--test-split 0.5 contradicts the run in ${out}, which used --test-split 0.25 (seed 11)`,
    );
    const seed = await runCli(['evaluate', '--model', out, '--seed', '3']);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/--seed 3 contradicts the run .* with seed 11/);
    // Without a run directory, --test-split cannot know the seed: it must be given.
    const loose = join(scratch, 'loose');
    await mkdir(loose, { recursive: true });
    await writeFile(join(loose, 'model.dualphi'), await readFile(join(out, 'model.dualphi')));
    await writeFile(join(loose, 'scaling.json'), await readFile(join(out, 'scaling.json')));
    const args = ['evaluate', '--model', loose, '--data', data, '--label', 'kind'];
    const noSeed = await runCli([...args, '--test-split', '0.25']);
    expect(noSeed.code).toBe(2);
    expect(noSeed.stderr).toMatch(/--test-split without a run directory needs --seed/);
    const stray = await runCli([...args, '--seed', '3']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--seed only applies to a --test-split test set');
    const withSeed = await runCli(['--json', ...args, '--test-split', '0.25', '--seed', '11']);
    expect(withSeed.code, withSeed.stderr).toBe(0);
    expect(JSON.parse(withSeed.stdout).accuracy).toBeCloseTo(final.final.testAccuracy, 12);
  });

  it('refuses a CSV model whose scaling is missing or unreadable (it refitted it on the evaluation rows)', async () => {
    const train = await csvFile('scaled-train.csv', 90);
    const test = await csvFile('scaled-test.csv', 30, 1000);
    const out = join(scratch, 'scaled');
    const trained = await runCli([
      'train',
      '--data',
      train,
      '--label',
      'kind',
      '--test',
      test,
      '--hidden',
      '16',
      '--epochs',
      '20',
      '--out',
      out,
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const args = ['evaluate', '--json', '--model', out, '--data', test, '--label', 'kind'];
    const scaling = join(out, 'scaling.json');
    await writeFile(scaling, '{"scaling": "standard", "offset": [1');
    const unreadable = await runCli(args);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain(scaling);
    expect(unreadable.stdout).toBe('');
    await rm(scaling);
    const missing = await runCli(args);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`cannot read ${scaling} (no such file)`);
    expect(missing.stdout).toBe('');
    // The same without run.json (a model directory of an older release).
    await rm(join(out, 'run.json'));
    const older = await runCli(args);
    expect(older.code).toBe(1);
    expect(older.stderr).toContain(`no ${scaling} beside ${join(out, 'model.dualphi')}`);
  });

  it('refuses a model with NaN weights instead of reporting an accuracy', async () => {
    const out = join(scratch, 'nan-model');
    expect((await runCli(['train', '--epochs', '1', '--hidden', '8', '--out', out])).code).toBe(0);
    const path = join(out, 'model.dualphi');
    const bytes = new Uint8Array(await readFile(path));
    const view = new DataView(bytes.buffer);
    const headerLength = view.getUint32(12, true);
    const payload = (20 + headerLength + 3) & ~3;
    view.setFloat32(payload + 8, Number.NaN, true);
    view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
    await writeFile(path, bytes);
    const result = await runCli(['evaluate', '--json', '--model', out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /model\.dualphi: weight tensor "dense0\/weights" holds NaN at index 2/,
    );
  });
});

describe('--out on a directory that holds a run', () => {
  it('is refused with the remedy, and leaves the run as it was', async () => {
    const out = join(scratch, 'taken');
    expect((await runCli(['train', '--epochs', '1', '--hidden', '8', '--out', out])).code).toBe(0);
    const before = await snapshot(out);
    const again = await runCli(['train', '--epochs', '1', '--hidden', '16', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      `--out ${out} already holds a run (run.json, checkpoint.dualphi, model.dualphi, metrics.json): continue it with --resume ${out}, replace it with --overwrite, or choose another directory`,
    );
    const compared = await runCli(['compare', '--epochs', '1', '--hidden', '8', '--out', out]);
    expect(compared.code).toBe(2);
    expect(compared.stderr).toContain(`--out ${out} already holds a run`);
    expect(await snapshot(out)).toEqual(before);
  });

  it('a diverged run with --overwrite replaces a finished one whole (a 128-unit checkpoint sat beside a 16-unit model)', async () => {
    const out = join(scratch, 'replaced');
    expect((await runCli(['train', '--epochs', '1', '--hidden', '16', '--out', out])).code).toBe(0);
    await writeFile(join(out, 'notes.txt'), 'my notes on this run');
    const diverged = await runCli([
      'train',
      '--optimizer',
      'sgd',
      '--lr',
      '1e25',
      '--epochs',
      '2',
      '--hidden',
      '128',
      '--out',
      out,
      '--overwrite',
    ]);
    expect(diverged.code).toBe(1);
    expect(diverged.stderr).toContain(
      `The last good state is saved in ${join(out, 'checkpoint.dualphi')}`,
    );
    const files = await readdir(out);
    // One run: the diverged one's checkpoint and run.json, nothing of the finished run.
    expect(files).not.toContain('model.dualphi');
    expect(files).toContain('notes.txt');
    const record = await runJson(out);
    expect(record).toMatchObject({ status: 'diverged', network: { hidden: [128] } });
    expect(record.message).toMatch(/training diverged at epoch 1/);
    const checkpoint = decodeCheckpoint(
      new Uint8Array(await readFile(join(out, 'checkpoint.dualphi'))),
    );
    expect(checkpoint.config.network.hidden).toEqual([128]);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('my notes on this run');
    expect(await leftovers(scratch)).toEqual([]);
  });

  it('compare --out --overwrite over a train run leaves only the comparison (it overwrote half of the files)', async () => {
    const out = join(scratch, 'train-then-compare');
    expect((await runCli(['train', '--epochs', '1', '--hidden', '8', '--out', out])).code).toBe(0);
    await writeFile(join(out, 'notes.txt'), 'my notes');
    const compare = [
      'compare',
      '--optimizers',
      'golden,sgd',
      '--epochs',
      '1',
      '--hidden',
      '8',
      '--out',
      out,
    ];
    const result = await runCli([...compare, '--overwrite']);
    expect(result.code, result.stderr).toBe(0);
    const files = await readdir(out);
    for (const name of ['sweep-plan.json', 'runs.jsonl', 'sweep.json', 'report.html'])
      expect(files).toContain(name);
    for (const name of ['checkpoint.dualphi', 'model.dualphi', 'metrics.json', 'run.json']) {
      expect(files).not.toContain(name);
    }
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('my notes');
    const plan = JSON.parse(await readFile(join(out, 'sweep-plan.json'), 'utf8'));
    expect(plan.plan.cells.map((cell: { label: string }) => cell.label)).toEqual(['golden', 'sgd']);
    expect(await leftovers(scratch)).toEqual([]);

    // Never silently over a comparison either: the remedies, and the directory as it was.
    const before = await snapshot(out);
    const refused = await runCli(compare);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `--out ${out} already holds a sweep: continue it with dualphi sweep --resume ${out}, replace it with --overwrite, or choose another --out`,
    );
    expect(await snapshot(out)).toEqual(before);
    // Replaced whole: one optimizer now, and its journal alone (not the old one's lines).
    const replaced = await runCli([
      ...compare.slice(0, 2),
      'adam',
      ...compare.slice(3),
      '--overwrite',
    ]);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect((await readFile(join(out, 'runs.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
    const sweep = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8'));
    expect(sweep.cells.map((cell: { label: string }) => cell.label)).toEqual(['adam']);
    expect(await leftovers(scratch)).toEqual([]);
  });
});

describe('a staging directory left by a killed run', () => {
  it('is removed by the next compare into the same --out, in one line; a live one is kept', async () => {
    const out = join(scratch, 'after-kill');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const stale = join(scratch, '.after-kill.dualphi-staging-0dead000');
    const live = join(scratch, '.after-kill.dualphi-staging-0a11fe00');
    for (const [directory, pid] of [
      [stale, Number(gone.stdout)],
      [live, process.pid],
    ] as const) {
      await mkdir(directory, { recursive: true });
      await writeFile(
        join(directory, '.dualphi-owner.json'),
        JSON.stringify({ pid, host: hostname() }),
      );
      await writeFile(join(directory, 'runs.jsonl'), '{"cellId":"entry:golden","seed":0,"epo');
    }
    const result = await runCli([
      'compare',
      '--optimizers',
      'golden',
      '--epochs',
      '1',
      '--hidden',
      '8',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line.includes('dualphi-staging-'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^Removed .*0dead000: left by an earlier run into ${out} \\(pid ${gone.stdout}, no longer running\\)`,
      ),
    );
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    await rm(live, { recursive: true, force: true });
  });
});

describe('an --overwrite killed before the new run was in place', () => {
  it('has its previous run put back by the next train into --out, which then refuses to replace it unasked', async () => {
    const out = join(scratch, 'killed-overwrite');
    expect((await runCli(['train', '--epochs', '1', '--hidden', '8', '--out', out])).code).toBe(0);
    const before = await snapshot(out);
    // As a kill -9 after the swap's first rename leaves it: the run moved aside, named with
    // the pid of its (dead) process and this host's tag.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const tag = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
    const aside = join(scratch, `.killed-overwrite.dualphi-old-${gone.stdout}-${tag}-0dead0001`);
    await rename(out, aside);
    const result = await runCli(['train', '--epochs', '1', '--hidden', '16', '--out', out]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      `Restored the previous run of ${out} from an interrupted overwrite (pid ${gone.stdout}, killed before the new run was in place, had moved it to ${aside}).`,
    );
    expect(result.stderr).toContain(`--out ${out} already holds a run`);
    expect(await snapshot(out)).toEqual(before);
    expect(existsSync(aside)).toBe(false);
  });
});

describe('--resume', () => {
  it('a finished run says so and changes nothing', async () => {
    const out = join(scratch, 'finished');
    expect((await runCli(['train', '--epochs', '2', '--hidden', '8', '--out', out])).code).toBe(0);
    const before = await snapshot(out);
    const result = await runCli(['train', '--resume', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `${out}: the run has finished all 2 epochs; nothing to do, nothing changed`,
    );
    expect(result.stderr).not.toContain('epoch 1/');
    expect(await snapshot(out)).toEqual(before);
    // Repeating the run's settings is no contradiction; other values are, naming both.
    const same = await runCli(['train', '--resume', out, '--hidden', '8', '--seed', '0']);
    expect(same.code, same.stderr).toBe(0);
    const other = await runCli(['train', '--resume', out, '--hidden', '64', '--seed', '3']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(
      `--resume continues the run in ${out} as it was configured: drop --hidden 64 (the run has 8), --seed 3 (the run has 0)`,
    );
    expect(await snapshot(out)).toEqual(before);
  });

  it('--resume . from inside the run directory replaces its files there (the shell sits in it)', async () => {
    const parent = join(scratch, 'inside');
    const out = join(parent, 'run');
    await mkdir(parent, { recursive: true });
    expect((await runCli(['train', '--epochs', '1', '--hidden', '8', '--out', out])).code).toBe(0);
    await writeFile(join(out, 'notes.txt'), 'mine');
    const result = await runCli(['train', '--resume', '.', '--epochs', '2'], { cwd: out });
    expect(result.code, result.stderr).toBe(0);
    expect(await runJson(out)).toMatchObject({ status: 'finished', epochsCompleted: 2 });
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readdir(parent)).toEqual(['run']);
    expect((await readdir(out)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('a CSV run resumes from run.json alone, with its split, seed and scaling', async () => {
    const data = await csvFile('resumed.csv', 90);
    const args = ['--label', 'kind', '--test-split', '0.3', '--seed', '4', '--hidden', '16'];
    const straight = join(scratch, 'csv-straight');
    const first = join(scratch, 'csv-first');
    const full = await runCli([
      'train',
      '--json',
      '--data',
      data,
      ...args,
      '--epochs',
      '4',
      '--out',
      straight,
    ]);
    expect(full.code, full.stderr).toBe(0);
    const half = await runCli(['train', '--data', data, ...args, '--epochs', '2', '--out', first]);
    expect(half.code, half.stderr).toBe(0);
    const resumed = await runCli(['train', '--json', '--resume', first, '--epochs', '4']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const a = decodeSavedModel(new Uint8Array(await readFile(join(first, 'model.dualphi'))));
    const b = decodeSavedModel(new Uint8Array(await readFile(join(straight, 'model.dualphi'))));
    expect(a.weights).toEqual(b.weights);
    expect(await runJson(first)).toMatchObject({
      status: 'finished',
      epochs: 4,
      epochsCompleted: 4,
    });
  });
});

describe('interrupted runs without --out', () => {
  it('never share a directory: an existing dualphi-run-… directory gets a numbered sibling', async () => {
    const cwd = join(scratch, 'same-second');
    await mkdir(cwd, { recursive: true });
    // Stand-ins for a run stopped in the same second: one for each of the next 120 seconds.
    const now = Date.now();
    for (let s = 0; s < 120; s++) {
      const stamp = new Date(now + s * 1000)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\..*$/, '')
        .replace('T', '-');
      await mkdir(join(cwd, `dualphi-run-${stamp}`));
      await writeFile(join(cwd, `dualphi-run-${stamp}`, 'checkpoint.dualphi'), 'another run');
    }
    let sent = false;
    const result = await runCli(['train', '--epochs', '6', '--hidden', '256', '--batch', '16'], {
      cwd,
      onOutput: (child, _text, all) => {
        if (!sent && /epoch 1\/6:/.test(all)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(result.code).toBe(130);
    const saved = (await readdir(cwd)).filter((name) => name.endsWith('-2'));
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/^dualphi-run-\d{8}-\d{6}-2$/);
    expect(result.stderr).toContain(`Resume with: dualphi train --resume ${join(cwd, saved[0])}`);
    const original = join(cwd, saved[0].replace(/-2$/, ''), 'checkpoint.dualphi');
    expect(await readFile(original, 'utf8')).toBe('another run');
    expect(await runJson(join(cwd, saved[0]))).toMatchObject({ status: 'interrupted' });
    expect(await leftovers(cwd)).toEqual([]);
  }, 120_000);
});

describe('exploding loss', () => {
  const args = ['train', '--optimizer', 'sgd', '--lr', '1000', '--epochs', '2', '--hidden', '16'];
  it('warns when the loss explodes while staying finite (it reported 1.8e10 nats with exit 0 silently)', async () => {
    const out = join(scratch, 'warned');
    const result = await runCli([...args, '--out', out]);
    expect(result.code).toBe(0);
    const record = await runJson(out);
    expect(record.status).toBe('finished');
    expect(record.warnings).toEqual([expect.stringMatching(/^the loss is exploding: epoch 1 /)]);
    expect(result.stderr).toMatch(
      /warning: the loss is exploding: epoch 1 has a training loss of \d+\.\d+ nats, more than 10 × ln 10 = 23\.0259/,
    );
    expect(result.stderr).toContain('--stop-on-divergence');
  });

  it('--stop-on-divergence makes it an error and keeps the run, marked diverged', async () => {
    const out = join(scratch, 'exploded');
    const result = await runCli([...args, '--stop-on-divergence', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: training diverged: the loss is exploding: epoch 1/);
    expect(existsSync(join(out, 'checkpoint.dualphi'))).toBe(true);
    expect(await runJson(out)).toMatchObject({ status: 'diverged', epochsCompleted: 1 });
  });
});
