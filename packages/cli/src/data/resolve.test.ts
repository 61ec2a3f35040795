import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError, UsageError } from '../errors.js';
import { fashionMnistCandidates, loadFashionMnist, resolveData } from './resolve.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-resolve-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('fashion-mnist', () => {
  it('looks in $DUALPHI_DATA/fashion-mnist, $DUALPHI_DATA, then the system directory', () => {
    expect(fashionMnistCandidates({ DUALPHI_DATA: '/data' }, '/system')).toEqual([
      '/data/fashion-mnist',
      '/data',
      '/system',
    ]);
    expect(fashionMnistCandidates({}, '/system')).toEqual(['/system']);
  });

  it('when absent, says where it looked and how to install it', async () => {
    const error = await loadFashionMnist({ DUALPHI_DATA: scratch }, join(scratch, 'absent')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toContain('apt-get install dataset-fashion-mnist');
    expect((error as Error).message).toContain(scratch);
  });
});

describe('resolveData', () => {
  it('loads the embedded digits by default', async () => {
    const data = await resolveData({ data: 'digits' }, {}, 0);
    expect(data.name).toBe('digits');
    expect(data.split.train.featureCount).toBe(64);
    expect(data.split.train.classCount).toBe(10);
    expect(data.split.train.count + data.split.test.count).toBe(1797);
  });

  it('a CSV needs --label; --test and --test-split exclude each other', async () => {
    const file = join(scratch, 'tiny.csv');
    await writeFile(file, 'x,y,label\n0,1,a\n1,0,b\n0,0,a\n1,1,b\n0.5,0.5,a\n0.2,0.9,b\n');
    await expect(resolveData({ data: file }, {}, 0)).rejects.toBeInstanceOf(UsageError);
    await expect(
      resolveData({ data: file, label: 'label', test: file, testSplit: 0.5 }, {}, 0),
    ).rejects.toThrow(/exclude each other/);
  });

  it('a CSV with --test takes its test set from the other file, classes aligned by name', async () => {
    const train = join(scratch, 'train.csv');
    const test = join(scratch, 'test.csv');
    await writeFile(train, 'x,y,label\n0,1,cat\n1,0,dog\n0,0,cat\n1,1,dog\n');
    // The test file names "dog" first: its label indices must be re-mapped.
    await writeFile(test, 'x,y,label\n1,0,dog\n0,1,cat\n');
    const data = await resolveData({ data: train, label: 'label', test }, {}, 0);
    const dog = data.split.train.classNames?.indexOf('dog');
    const cat = data.split.train.classNames?.indexOf('cat');
    expect(Array.from(data.split.test.labels)).toEqual([dog, cat]);
  });

  it('a CSV with --test-split holds out that fraction', async () => {
    const file = join(scratch, 'split.csv');
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${i % 3},${i % 2}`);
    await writeFile(file, `a,b,label\n${rows.join('\n')}\n`);
    const data = await resolveData({ data: file, label: 'label', testSplit: 0.25 }, {}, 0);
    // Stratified: about a quarter of each of the two classes (10 rows each) is held out.
    expect(data.split.train.count + data.split.test.count).toBe(20);
    expect(data.split.test.count).toBeGreaterThanOrEqual(4);
    expect(data.split.test.count).toBeLessThanOrEqual(6);
    expect(new Set(data.split.test.labels).size).toBe(2);
    // CSV features are standardised with the training part's statistics.
    expect(data.scaling?.offset).toHaveLength(2);
  });

  it("evaluating a CSV file without the model's standardisation is refused, not fitted on it", async () => {
    const file = join(scratch, 'evaluate.csv');
    await writeFile(file, 'x,y,label\n0,1,a\n1,0,b\n0,0,a\n1,1,b\n');
    await expect(resolveData({ data: file, label: 'label' }, {}, 0, 'evaluate')).rejects.toThrow(
      /needs the standardisation the model was trained with/,
    );
    const scaling = { scaling: 'standard' as const, offset: [0, 0], factor: [1, 1] };
    const data = await resolveData({ data: file, label: 'label' }, {}, 0, 'evaluate', scaling);
    expect(data.scaling).toBe(scaling);
  });
});
