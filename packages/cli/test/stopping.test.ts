/**
 * Every way of stopping a run is recoverable, through the built binary: SIGTERM and SIGHUP do
 * what Ctrl-C does, a second signal during the save leaves the previous run untouched and no
 * temporary file, and a full disk or a read-only directory is one line saying the previous
 * files are intact.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-cli-stopping-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function snapshot(directory: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(directory)).sort()) {
    files[name] = (await readFile(join(directory, name))).toString('base64');
  }
  return files;
}

async function leftovers(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => /\.tmp$|dualphi-(staging|old)/.test(name));
}

const slowRun = ['train', '--epochs', '6', '--hidden', '256', '--batch', '16'];

describe('SIGTERM and SIGHUP', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    '%s mid-epoch saves a checkpoint, prints the resume command and exits %i',
    async (signal, status) => {
      const out = join(scratch, `by-${signal}`);
      let sent = false;
      const result = await runCli([...slowRun, '--out', out], {
        onOutput: (child, _text, all) => {
          if (!sent && /epoch 1\/6:/.test(all)) {
            sent = true;
            child.kill(signal);
          }
        },
      });
      expect(sent).toBe(true);
      // Before: killed by the signal without a word (code null) and the run lost.
      expect(result.code, result.stderr).toBe(status);
      expect(result.stderr).toContain(
        `Interrupted by ${signal}: stopping after this batch and saving a checkpoint`,
      );
      expect(result.stderr).toContain(`Checkpoint saved to ${join(out, 'checkpoint.dualphi')}`);
      expect(result.stderr).toContain(`Resume with: dualphi train --resume ${out}`);
      expect(result.stderr).toContain(`error: training interrupted by ${signal}`);
      const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
      expect(record.status).toBe('interrupted');
      const resumed = await runCli(['train', '--resume', out]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(await readFile(join(out, 'run.json'), 'utf8'))).toMatchObject({
        status: 'finished',
        epochsCompleted: 6,
      });
    },
    120_000,
  );

  it('compare: SIGTERM shows the runs that finished and exits 143 (it was taken as a second signal and quit without them)', async () => {
    let sent = false;
    const result = await runCli(
      [
        'compare',
        '--json',
        '--optimizers',
        'golden,sgd',
        '--epochs',
        '10',
        '--hidden',
        '128',
        '--batch',
        '16',
        '--workers',
        '1',
      ],
      {
        onOutput: (child, _text, all) => {
          if (!sent && /^run 1\/2: golden/m.test(all)) {
            sent = true;
            child.kill('SIGTERM');
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toContain(
      'Interrupted by SIGTERM: stopping after this batch and showing the runs that finished',
    );
    expect(result.stderr).not.toContain('Interrupted again');
    expect(result.stderr).toContain('error: comparison interrupted');
    expect(result.stderr).toContain('No --out was given: the finished runs were not stored.');
    const document = JSON.parse(result.stdout);
    expect(document.complete).toBe(false);
    expect(document.cells.map((cell: { seeds: unknown[] }) => cell.seeds.length)).toEqual([1, 0]);
  }, 120_000);

  it('a second SIGTERM while the checkpoint is written quits at once, leaving the previous run intact and no temporary file', async () => {
    const parent = join(scratch, 'twice');
    const out = join(parent, 'run');
    await mkdir(parent, { recursive: true });
    expect((await runCli(['train', '--epochs', '1', '--hidden', '8', '--out', out])).code).toBe(0);
    const before = await snapshot(out);
    let stage = 0;
    const result = await runCli([...slowRun, '--out', out, '--overwrite'], {
      onOutput: (child, _text, all) => {
        if (stage === 0 && /epoch 1\/6:/.test(all)) {
          stage = 1;
          child.kill('SIGTERM');
        } else if (stage === 1 && all.includes('Interrupted by SIGTERM:')) {
          // The first signal is being handled (checkpoint, metrics, report): signal again.
          stage = 2;
          child.kill('SIGTERM');
        }
      },
    });
    expect(stage).toBe(2);
    expect(result.code).toBe(143);
    expect(result.stderr).toContain('Interrupted again: quitting without saving.');
    expect(result.stderr).not.toContain('Resume with:');
    expect(await snapshot(out)).toEqual(before);
    expect(await leftovers(parent)).toEqual([]);
    expect(await leftovers(out)).toEqual([]);
  }, 120_000);
});

/** A small tmpfs to fill up or make read-only (needs root; skipped with a line otherwise). */
let disk: string | undefined;
let skipReason = '';
beforeAll(async () => {
  const mountPoint = join(scratch, 'disk');
  await mkdir(mountPoint, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], {
      stdio: 'pipe',
    });
    disk = mountPoint;
  } catch (error) {
    skipReason = `cannot mount a tmpfs (${(error as Error).message.split('\n')[0]}); run the tests as root to check a full disk and a read-only directory`;
  }
});
afterAll(() => {
  if (disk) execFileSync('umount', [disk]);
});

describe('a full disk and a read-only directory', () => {
  it('a full disk is one line naming the path, the previous run stays intact, nothing partial remains', async (context) => {
    if (!disk) {
      console.warn(`skipped: ${skipReason}`);
      context.skip();
      return;
    }
    const out = join(disk, 'run');
    const first = await runCli(['train', '--epochs', '1', '--hidden', '8', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    const before = await snapshot(out);
    // Leave 24 KiB: enough for run.json, not for a 64-256-10 checkpoint (≈ 280 KiB).
    const { bavail, bsize } = await statfs(disk);
    await writeFile(join(disk, 'filler'), new Uint8Array(bavail * bsize - 24 * 1024));
    const result = await runCli([
      'train',
      '--epochs',
      '1',
      '--hidden',
      '256',
      '--out',
      out,
      '--overwrite',
    ]);
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^error: cannot save the run in ${out}: no space left on the device(?: \\(writing ${disk}/\\.run\\.dualphi-staging-[0-9a-f]+/[^)]+\\))?; no file of it was kept, and the previous files in ${out} are intact$`,
      ),
    );
    expect(await snapshot(out)).toEqual(before);
    expect(await leftovers(disk)).toEqual([]);
    expect(await leftovers(out)).toEqual([]);
    await rm(join(disk, 'filler'));
  }, 120_000);

  it('a read-only directory is one line naming it, before any training, the run intact', async (context) => {
    if (!disk) {
      console.warn(`skipped: ${skipReason}`);
      context.skip();
      return;
    }
    const out = join(disk, 'read-only');
    const first = await runCli(['train', '--epochs', '1', '--hidden', '8', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    const before = await snapshot(out);
    execFileSync('mount', ['-o', 'remount,ro', disk]);
    try {
      const result = await runCli(['train', '--resume', out, '--epochs', '2']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `error: cannot write the run in ${out}: read-only file system; the files in ${out} are intact`,
      );
      expect(result.stderr).not.toContain('epoch 1/');
      expect(await snapshot(out)).toEqual(before);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', disk]);
    }
  }, 120_000);

  it('--out on a mount point (a Docker volume) writes the run there: it cannot be renamed', async (context) => {
    if (!disk) {
      console.warn(`skipped: ${skipReason}`);
      context.skip();
      return;
    }
    for (const extra of [[], ['--overwrite']]) {
      const result = await runCli([
        'train',
        '--epochs',
        '1',
        '--hidden',
        '8',
        '--out',
        disk,
        ...extra,
      ]);
      expect(result.code, result.stderr).toBe(0);
    }
    expect(JSON.parse(await readFile(join(disk, 'run.json'), 'utf8'))).toMatchObject({
      status: 'finished',
    });
    expect((await readdir(disk)).filter((name) => name.includes('dualphi-'))).toEqual([]);
    expect(await leftovers(scratch)).toEqual([]);
  }, 120_000);

  it('an interrupted run on a full disk says the run could not be saved and leaves no directory', async (context) => {
    if (!disk) {
      console.warn(`skipped: ${skipReason}`);
      context.skip();
      return;
    }
    const cwd = join(disk, 'interrupted');
    await mkdir(cwd);
    const { bavail, bsize } = await statfs(disk);
    await writeFile(join(disk, 'filler'), new Uint8Array(bavail * bsize - 24 * 1024));
    try {
      let sent = false;
      const result = await runCli(slowRun, {
        cwd,
        onOutput: (child, _text, all) => {
          if (!sent && /epoch 1\/6:/.test(all)) {
            sent = true;
            child.kill('SIGTERM');
          }
        },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /error: cannot save the run in .*dualphi-run-[\d-]+: no space left on the device/,
      );
      expect(result.stderr).not.toContain('Resume with:');
      expect(await readdir(cwd)).toEqual([]);
    } finally {
      await rm(join(disk, 'filler'));
    }
  }, 120_000);
});
