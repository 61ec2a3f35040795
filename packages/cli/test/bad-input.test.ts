/**
 * Hostile input that used to crash, hang, mislead or silently give a wrong number: each case
 * now ends with exit status 1 and one line naming the problem (no stack trace).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './run-cli.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-cli-bad-input-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function csv(name: string, text: string): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, text);
  return path;
}

/** Three well separated classes named cat, dog, fish (20 rows each), optionally without one. */
function animals(without?: string): string {
  const names = ['cat', 'dog', 'fish'];
  const rows = ['x,y,animal'];
  for (let i = 0; i < 60; i++) {
    const k = i % 3;
    if (names[k] === without) continue;
    rows.push(`${k * 3 + ((i * 7) % 10) / 20},${-k * 2 + ((i * 3) % 10) / 20},${names[k]}`);
  }
  return `${rows.join('\n')}\n`;
}

function expectFailure(result: CliResult, message: string | RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
}

describe('CSV data', () => {
  it('a header without rows says so (it used to ask for a header)', async () => {
    const path = await csv('header-only.csv', 'a,b,label\n');
    // --json too: stdout stays empty on failure, the message goes to stderr.
    const result = await runCli(['--json', 'train', '--data', path, '--label', 'label']);
    expectFailure(result, 'holds a header but no data rows');
  });

  it('a single class is refused before training, naming the file and the label column', async () => {
    const path = await csv('one-class.csv', 'a,b,label\n1,2,0\n3,4,0\n5,6,0\n7,8,0\n9,1,0\n');
    const result = await runCli(['train', '--data', path, '--label', 'label']);
    expectFailure(
      result,
      `${path} (label column "label"): every training label is the same class; a classifier needs at least two classes`,
    );
    expect(result.stderr).not.toContain('Training on');
  });

  it('a stray huge label is an error at its line, not an out-of-memory crash', async () => {
    const path = await csv('huge-label.csv', 'a,label\n1,0\n2,1\n3,0\n4,1\n5,1000000\n');
    const result = await runCli(['train', '--data', path, '--label', 'label']);
    expectFailure(result, /label 1000000 is beyond the largest class index 4095 .*line 6/);
  });

  it('--test with class names against class indices is refused (names were mapped to 0, 1, …)', async () => {
    const indices = await csv(
      'indices.csv',
      animals().replace(/cat|dog|fish/g, (name) => String(['cat', 'dog', 'fish'].indexOf(name))),
    );
    const names = await csv('names.csv', animals());
    const result = await runCli(['train', '--data', indices, '--label', 'animal', '--test', names]);
    expectFailure(
      result,
      `${names} has class names as labels (cat, dog, fish) but ${indices} has class indices`,
    );
  });

  it('--test with the same columns in another order is refused (they were read by position)', async () => {
    const train = await csv('ab.csv', animals());
    const swapped = await csv(
      'ba.csv',
      animals()
        .split('\n')
        .map((line) => line.replace(/^([^,]*),([^,]*),/, '$2,$1,'))
        .join('\n'),
    );
    const result = await runCli(['train', '--data', train, '--label', 'animal', '--test', swapped]);
    expectFailure(
      result,
      `${swapped}: feature column 1 is "y" where ${train} has "x"; the headers must name the same columns in the same order`,
    );
  });

  it('--test naming a directory says so (it passed on EISDIR)', async () => {
    const train = await csv('for-dir-test.csv', animals());
    const directory = join(scratch, 'a-directory.csv');
    await mkdir(directory, { recursive: true });
    const result = await runCli([
      'train',
      '--data',
      train,
      '--label',
      'animal',
      '--test',
      directory,
    ]);
    expectFailure(result, `cannot read ${directory}: it is a directory, not a file`);
  });

  it('evaluate maps a CSV file lacking a class onto the model’s classes', async () => {
    const train = await csv('animals.csv', animals());
    const test = await csv('no-cat.csv', animals('cat'));
    const out = join(scratch, 'animals-run');
    const trained = await runCli([
      'train',
      '--data',
      train,
      '--label',
      'animal',
      '--epochs',
      '30',
      '--out',
      out,
    ]);
    expect(trained.code).toBe(0);
    const result = await runCli([
      '--json',
      'evaluate',
      '--model',
      out,
      '--data',
      test,
      '--label',
      'animal',
    ]);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.classNames).toEqual(['cat', 'dog', 'fish']);
    // Without the mapping, dog counted as cat and fish as dog: the accuracy was about 0.
    expect(document.confusion[0]).toEqual([0, 0, 0]);
    expect(document.confusion[1][1] + document.confusion[2][2]).toBeGreaterThan(36);
  });
});

describe('IDX data', () => {
  it('image and label files with different counts name both files', async () => {
    const directory = join(scratch, 'idx-counts');
    await mkdir(directory, { recursive: true });
    const images = (count: number) =>
      new Uint8Array([
        0,
        0,
        8,
        3,
        0,
        0,
        0,
        count,
        0,
        0,
        0,
        2,
        0,
        0,
        0,
        2,
        ...new Array(count * 4).fill(1),
      ]);
    const labels = (count: number) =>
      new Uint8Array([
        0,
        0,
        8,
        1,
        0,
        0,
        0,
        count,
        ...Array.from({ length: count }, (_, i) => i % 2),
      ]);
    await writeFile(join(directory, 'train-images-idx3-ubyte'), images(6));
    await writeFile(join(directory, 'train-labels-idx1-ubyte'), labels(5));
    await writeFile(join(directory, 't10k-images-idx3-ubyte'), images(4));
    await writeFile(join(directory, 't10k-labels-idx1-ubyte'), labels(4));
    const result = await runCli(['train', '--data', directory, '--epochs', '1']);
    expectFailure(
      result,
      `${join(directory, 'train-images-idx3-ubyte')}, ${join(directory, 'train-labels-idx1-ubyte')}: the image file holds 6 images but the label file 5 labels`,
    );
  });
});

describe('--resume', () => {
  it('a run on a file without run.json asks for --data again (it reported a shape mismatch with digits)', async () => {
    const train = await csv('resume.csv', animals());
    const out = join(scratch, 'resume-run');
    const trained = await runCli([
      'train',
      '--data',
      train,
      '--label',
      'animal',
      '--epochs',
      '1',
      '--out',
      out,
    ]);
    expect(trained.code).toBe(0);
    // A run directory written before run.json existed: the data must be given again.
    await rm(join(out, 'run.json'));
    const result = await runCli(['train', '--resume', out, '--epochs', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--resume ${out}: the run was trained on ${train}`);
    expect(result.stderr).toContain('give --data');
    const again = await runCli([
      'train',
      '--resume',
      out,
      '--epochs',
      '2',
      '--data',
      train,
      '--label',
      'animal',
    ]);
    expect(again.code).toBe(0);
  });

  it('a file instead of a run directory is "no checkpoint", not ENOTDIR', async () => {
    const file = await csv('not-a-run.txt', 'x');
    const result = await runCli(['train', '--resume', file]);
    expectFailure(result, `no checkpoint at ${join(file, 'checkpoint.dualphi')}`);
  });
});

describe('--out', () => {
  it('an existing file is refused before training starts (it failed after training with EEXIST)', async () => {
    const file = await csv('not-a-directory.txt', 'x');
    const result = await runCli(['train', '--epochs', '1', '--out', file]);
    expectFailure(result, `--out ${file}: ${file} exists and is not a directory`);
    expect(result.stderr).not.toContain('Training on');
  });

  it('an empty value is a usage error (it wrote the run into the working directory)', async () => {
    const result = await runCli(['train', '--epochs', '1', '--out', ''], { cwd: scratch });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--out needs a directory name (got an empty value)');
  });

  it.runIf(process.platform === 'linux')(
    'a place that cannot hold directories fails at once (recursive mkdir under /proc never settled)',
    async () => {
      const result = await runCli(['compare', '--epochs', '1', '--out', '/proc/dualphi-no/such'], {
        timeoutMs: 30_000,
      });
      expectFailure(result, '--out /proc/dualphi-no/such: not a writable directory');
    },
  );
});
