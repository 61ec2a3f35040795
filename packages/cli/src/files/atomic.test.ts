import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { removeUnfinishedWrites, writeFileAtomic } from './atomic.js';
import { metricsCsv } from './metrics.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-atomic-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates parent directories, replaces the old file and leaves no temporary file', async () => {
    const path = join(scratch, 'a', 'b', 'file.txt');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, new Uint8Array([104, 105]));
    expect(await readFile(path, 'utf8')).toBe('hi');
    expect(await readdir(join(scratch, 'a', 'b'))).toEqual(['file.txt']);
  });

  it('fails without touching the target when the directory cannot hold it', async () => {
    const blocker = join(scratch, 'blocker');
    await writeFile(blocker, 'a file, not a directory');
    await expect(writeFileAtomic(join(blocker, 'x.txt'), 'data')).rejects.toThrow();
    expect(await readFile(blocker, 'utf8')).toBe('a file, not a directory');
  });

  it('leaves no temporary file behind when the process exits mid-write (a second Ctrl-C)', async () => {
    const directory = join(scratch, 'exit');
    const path = join(directory, 'checkpoint.dualphi');
    await writeFileAtomic(path, 'the last good checkpoint');
    // Hold the write inside fsync, where process.exit() from a second Ctrl-C can land.
    const probe = await open(join(scratch, 'probe'), 'w');
    const fileHandle = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    let release: (error: Error) => void = () => {};
    const sync = vi
      .spyOn(fileHandle, 'sync')
      .mockImplementation(() => new Promise<void>((_, reject) => (release = reject)));
    try {
      const writing = writeFileAtomic(path, 'a newer checkpoint');
      while ((await readdir(directory)).length < 2) await new Promise((r) => setTimeout(r, 1));
      // What the exit hook runs (synchronously, the only kind of work 'exit' allows).
      expect(process.listeners('exit')).toContain(removeUnfinishedWrites);
      removeUnfinishedWrites();
      expect(await readdir(directory)).toEqual(['checkpoint.dualphi']);
      expect(await readFile(path, 'utf8')).toBe('the last good checkpoint');
      release(new Error('interrupted'));
      await expect(writing).rejects.toThrow('interrupted');
    } finally {
      sync.mockRestore();
    }
    expect(await readdir(directory)).toEqual(['checkpoint.dualphi']);
  });
});

describe('metricsCsv', () => {
  const epoch = {
    epoch: 1,
    trainLoss: 0.5,
    trainAccuracy: 0.8,
    testLoss: 0.4,
    testAccuracy: 0.9,
    divergence: 0.4,
    entropy: 0,
    predictionEntropy: 0.6,
    balanceDegrees: Number.NaN,
    balanceCosine: Number.NaN,
    seconds: 0.1,
    samplesPerSecond: 1000,
  };
  it('writes a header and one row per epoch, empty cells for NaN', () => {
    const lines = metricsCsv([{ name: 'adam', epochs: [epoch] }])
      .trim()
      .split('\n');
    expect(lines[0]).toBe(
      'epoch,trainLoss,trainAccuracy,testLoss,testAccuracy,divergence,entropy,predictionEntropy,balanceDegrees,balanceCosine,seconds,samplesPerSecond',
    );
    expect(lines[1]).toBe('1,0.5,0.8,0.4,0.9,0.4,0,0.6,,,0.1,1000');
  });
  it('prefixes the run name (quoted when needed) for comparisons', () => {
    const lines = metricsCsv([{ name: 'a,b', epochs: [epoch] }], 'optimizer')
      .trim()
      .split('\n');
    expect(lines[0].startsWith('optimizer,epoch,')).toBe(true);
    expect(lines[1].startsWith('"a,b",1,')).toBe(true);
  });
});
