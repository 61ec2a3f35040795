/**
 * A second signal can land in the middle of a run directory's swap (old run moved aside, new
 * one not yet in place): the exit hook must put the old run back, not delete it. The child
 * process below exits right after the swap's second rename, as `process.exit` from a second
 * Ctrl-C or SIGTERM would.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const staging = new URL('../dist/files/staging.js', import.meta.url).href;
const { removeStaleStaging } = (await import(staging)) as typeof import('../src/files/staging.js');

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-cli-swap-exit-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/**
 * Stages a new run over `target` and exits after the `exitAfter`-th rename of the commit, or
 * with `kill`, is killed there by SIGKILL (no exit hook runs: a `kill -9`, a power cut).
 */
function commitAndExit(target: string, exitAfter: number, kill = false): number | string {
  const script = `
    import fs from 'node:fs/promises';
    import { syncBuiltinESMExports } from 'node:module';
    const { stageRun } = await import(${JSON.stringify(staging)});
    const staged = await stageRun(${JSON.stringify(target)});
    await fs.writeFile(staged.directory + '/model.dualphi', 'new model');
    const rename = fs.rename;
    let renames = 0;
    fs.rename = async (from, to) => {
      await rename(from, to);
      if (++renames === ${exitAfter}) ${kill ? "process.kill(process.pid, 'SIGKILL')" : 'process.exit(143)'};
    };
    syncBuiltinESMExports();
    await staged.commit();
  `;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
    return 0;
  } catch (error) {
    return (
      (error as { status: number | null; signal: string | null }).status ??
      (error as { signal: string }).signal
    );
  }
}

async function contents(directory: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(directory)).sort()) {
    files[name] = await readFile(join(directory, name), 'utf8');
  }
  return files;
}

describe('an exit in the middle of a swap', () => {
  it.each([1, 2, 3])(
    'after rename %i, the directory holds one whole run and the notes',
    async (exitAfter) => {
      const target = join(scratch, `run-${exitAfter}`);
      await mkdir(target);
      await writeFile(join(target, 'model.dualphi'), 'old model');
      await writeFile(join(target, 'checkpoint.dualphi'), 'old checkpoint');
      await writeFile(join(target, 'notes.txt'), 'mine');
      // Renames: 1 the old run aside, 2 the notes into the new run, 3 the new run into place.
      expect(commitAndExit(target, exitAfter)).toBe(143);
      const after = await contents(target);
      if (exitAfter < 3) {
        expect(after).toEqual({
          'checkpoint.dualphi': 'old checkpoint',
          'model.dualphi': 'old model',
          'notes.txt': 'mine',
        });
      } else {
        expect(after).toEqual({ 'model.dualphi': 'new model', 'notes.txt': 'mine' });
      }
      expect((await readdir(scratch)).filter((name) => name.includes('dualphi-'))).toEqual([]);
    },
  );
});

describe('a kill -9 in the middle of a swap', () => {
  it.each([1, 2, 3])(
    'after rename %i, the next command into the directory finds one whole run and the notes',
    async (killAfter) => {
      const parent = await mkdtemp(join(scratch, 'killed-'));
      const target = join(parent, 'run');
      await mkdir(target);
      await writeFile(join(target, 'model.dualphi'), 'old model');
      await writeFile(join(target, 'checkpoint.dualphi'), 'old checkpoint');
      await writeFile(join(target, 'notes.txt'), 'mine');
      expect(commitAndExit(target, killAfter, true)).toBe('SIGKILL');
      // The killed process left its old run aside, named with its pid.
      expect((await readdir(parent)).some((name) => name.startsWith('.run.dualphi-old-'))).toBe(
        true,
      );
      const lines: string[] = [];
      await removeStaleStaging(target, (line) => lines.push(line));
      expect(lines).toHaveLength(1);
      const after = await contents(target);
      if (killAfter < 3) {
        expect(lines[0]).toMatch(
          /^Restored the previous run of .* from an interrupted overwrite \(pid \d+, killed before/,
        );
        expect(after).toEqual({
          'checkpoint.dualphi': 'old checkpoint',
          'model.dualphi': 'old model',
          'notes.txt': 'mine',
        });
      } else {
        expect(lines[0]).toMatch(/^Removed .*\.run\.dualphi-old-/);
        expect(after).toEqual({ 'model.dualphi': 'new model', 'notes.txt': 'mine' });
      }
      expect(await readdir(parent)).toEqual(['run']);
    },
  );
});
