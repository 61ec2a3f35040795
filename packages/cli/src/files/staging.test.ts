import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  recoverInterruptedOverwrite,
  removeStaleStaging,
  removeUncommittedRuns,
  STAGING_OWNER,
  stageRun,
} from './staging.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-staging-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function contents(directory: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(directory)).sort()) {
    files[name] = await readFile(join(directory, name), 'utf8').catch(() => '<directory>');
  }
  return files;
}

describe('stageRun', () => {
  it('commits into a missing or empty directory, leaving no sibling behind', async () => {
    for (const name of ['missing', 'empty']) {
      const target = join(scratch, name);
      if (name === 'empty') await mkdir(target);
      const staged = await stageRun(target);
      await writeFile(join(staged.directory, 'run.json'), '{}');
      await staged.commit();
      expect(await contents(target)).toEqual({ 'run.json': '{}' });
    }
    expect((await readdir(scratch)).sort()).toEqual(['empty', 'missing']);
  });

  it('replaces the old run whole and keeps the files that are not run files', async () => {
    const target = join(scratch, 'replace');
    await mkdir(join(target, 'notes'), { recursive: true });
    await writeFile(join(target, 'model.dualphi'), 'old model');
    await writeFile(join(target, 'checkpoint.dualphi'), 'old checkpoint');
    await writeFile(join(target, 'loss.svg'), 'old chart');
    await writeFile(join(target, 'README.txt'), 'mine');
    const staged = await stageRun(target);
    await writeFile(join(staged.directory, 'checkpoint.dualphi'), 'new checkpoint');
    // Until the commit the old run is untouched.
    expect(await readFile(join(target, 'model.dualphi'), 'utf8')).toBe('old model');
    await staged.commit();
    expect(await contents(target)).toEqual({
      'README.txt': 'mine',
      'checkpoint.dualphi': 'new checkpoint',
      notes: '<directory>',
    });
    expect((await readdir(scratch)).filter((name) => name.includes('dualphi-'))).toEqual([]);
  });

  it('discard and the exit hook remove the staging directory and leave the target as it was', async () => {
    const target = join(scratch, 'kept');
    await mkdir(target);
    await writeFile(join(target, 'model.dualphi'), 'the model');
    const discarded = await stageRun(target);
    await writeFile(join(discarded.directory, 'model.dualphi'), 'a newer one');
    await discarded.discard();
    const abandoned = await stageRun(target);
    await writeFile(join(abandoned.directory, 'model.dualphi'), 'another one');
    expect(process.listeners('exit')).toContain(removeUncommittedRuns);
    removeUncommittedRuns();
    expect((await readdir(scratch)).filter((name) => name.includes('dualphi-'))).toEqual([]);
    expect(await contents(target)).toEqual({ 'model.dualphi': 'the model' });
  });

  it('names the place when the staging directory cannot be made', async () => {
    const blocker = join(scratch, 'a-file');
    await writeFile(blocker, 'not a directory');
    await expect(stageRun(join(blocker, 'run'))).rejects.toThrow(
      `cannot write the run in ${join(blocker, 'run')}: `,
    );
  });
});

/** A pid that ran and exited (a child that has been reaped), so no process has it now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

/** A staging directory as a killed (`kill -9`) run leaves it: marker, a half-written file. */
async function leftStaging(directory: string, pid: number, host = hostname()): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, STAGING_OWNER), JSON.stringify({ pid, host }));
  await writeFile(join(directory, 'metrics.json'), '{"half');
}

describe('stale staging directories', () => {
  it('removes one whose process is gone, saying so in one line, and keeps a live, foreign or unmarked one', async () => {
    const target = join(scratch, 'killed');
    await mkdir(target);
    await writeFile(join(target, 'model.dualphi'), 'the model');
    const dead = deadPid();
    expect(Number.isSafeInteger(dead) && dead > 0).toBe(true);
    const stale = join(scratch, '.killed.dualphi-staging-dead0001');
    const inside = join(target, '.dualphi-staging-dead0002');
    const live = join(scratch, '.killed.dualphi-staging-live0001');
    const foreign = join(scratch, '.killed.dualphi-staging-host0001');
    const unmarked = join(scratch, '.killed.dualphi-staging-none0001');
    const otherTarget = join(scratch, '.other.dualphi-staging-dead0003');
    await leftStaging(stale, dead);
    await leftStaging(inside, dead);
    await leftStaging(live, process.pid);
    await leftStaging(foreign, dead, `not-${hostname()}`);
    await mkdir(unmarked);
    await leftStaging(otherTarget, dead);

    const lines: string[] = [];
    const removed = await removeStaleStaging(target, (line) => lines.push(line));
    expect(removed.sort()).toEqual([inside, stale].sort());
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^Removed .*dualphi-staging-dead000[12]: .*pid ${dead}`));
    for (const line of lines) expect(line).not.toContain('\n');
    const left = await readdir(scratch);
    expect(left).not.toContain('.killed.dualphi-staging-dead0001');
    for (const kept of [live, foreign, unmarked, otherTarget])
      expect(left).toContain(kept.slice(scratch.length + 1));
    expect(await contents(target)).toEqual({ 'model.dualphi': 'the model' });

    // stageRun does the same before staging, and its own marker never reaches the target.
    await leftStaging(stale, dead);
    const reported: string[] = [];
    const staged = await stageRun(target, (line) => reported.push(line));
    expect(reported).toHaveLength(1);
    expect(await readdir(staged.directory)).toEqual([STAGING_OWNER]);
    // Not stale while this process runs: a second run into the target leaves it alone.
    expect(await removeStaleStaging(target)).toEqual([]);
    await writeFile(join(staged.directory, 'run.json'), '{}');
    await staged.commit();
    expect(await contents(target)).toEqual({ 'run.json': '{}' });
    for (const kept of [live, foreign, unmarked, otherTarget])
      await rm(kept, { recursive: true, force: true });
  });
});

/** The tag of `host` in the name of a directory an overwrite moved aside. */
const tagOf = (host: string): string => createHash('sha256').update(host).digest('hex').slice(0, 8);

/** The old run as an overwrite moves it aside: `.NAME.dualphi-old-PID-HOST-SUFFIX`. */
async function leftAside(
  parent: string,
  name: string,
  pid: number,
  suffix: string,
  content: string,
  host = hostname(),
): Promise<string> {
  const aside = join(parent, `.${name}.dualphi-old-${pid}-${tagOf(host)}-${suffix}`);
  await mkdir(aside);
  await writeFile(join(aside, 'model.dualphi'), content);
  await writeFile(join(aside, 'run.json'), '{"run":"old"}');
  return aside;
}

describe('an overwrite killed half-way (kill -9 between its renames)', () => {
  it('deletes the old run moved aside when the new run is in place', async () => {
    const parent = await mkdtemp(join(scratch, 'finished-'));
    const target = join(parent, 'run');
    await mkdir(target);
    await writeFile(join(target, 'model.dualphi'), 'new model');
    const dead = deadPid();
    const aside = await leftAside(parent, 'run', dead, 'aaaa0001', 'old model');
    const lines: string[] = [];
    // Any command that writes into the run directory repairs it first.
    const staged = await stageRun(target, (line) => lines.push(line));
    await staged.discard();
    expect(await readdir(parent)).toEqual(['run']);
    expect(await contents(target)).toEqual({ 'model.dualphi': 'new model' });
    expect(lines).toEqual([expect.stringMatching(`^Removed ${aside}: .*pid ${dead}`)]);
    expect(await recoverInterruptedOverwrite(target)).toBeUndefined();
  });

  it('restores the previous run when the new one never took its place, with the entries already moved', async () => {
    const parent = await mkdtemp(join(scratch, 'restore-'));
    const target = join(parent, 'run');
    const dead = deadPid();
    const aside = await leftAside(parent, 'run', dead, 'bbbb0002', 'old model');
    await writeFile(join(aside, 'README.txt'), 'mine');
    // The killed swap had moved the user's notes into its staging directory already.
    const staging = join(parent, '.run.dualphi-staging-bbbb0002');
    await mkdir(join(staging, 'notes'), { recursive: true });
    await writeFile(join(staging, 'notes', 'a.txt'), 'note');
    await writeFile(join(staging, 'model.dualphi'), 'new, never committed');
    const lines: string[] = [];
    expect(await recoverInterruptedOverwrite(target, (line) => lines.push(line))).toBe(aside);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `Restored the previous run of ${target} from an interrupted overwrite (pid ${dead}, killed before the new run was in place, had moved it to ${aside}).`,
    );
    expect(lines[0]).not.toContain('\n');
    expect(await readdir(parent)).toEqual(['run']);
    expect(await contents(target)).toEqual({
      'README.txt': 'mine',
      'model.dualphi': 'old model',
      notes: '<directory>',
      'run.json': '{"run":"old"}',
    });
    expect(await readFile(join(target, 'notes', 'a.txt'), 'utf8')).toBe('note');
  });

  it('restores into the empty directory --out makes, the newest copy when there are several', async () => {
    const parent = await mkdtemp(join(scratch, 'newest-'));
    const target = join(parent, 'run');
    const dead = deadPid();
    await leftAside(parent, 'run', dead, 'cccc0001', 'older model');
    await new Promise((done) => setTimeout(done, 20));
    await leftAside(parent, 'run', dead, 'cccc0002', 'newer model');
    await mkdir(target);
    const lines: string[] = [];
    await removeStaleStaging(target, (line) => lines.push(line));
    expect(await readdir(parent)).toEqual(['run']);
    expect(await readFile(join(target, 'model.dualphi'), 'utf8')).toBe('newer model');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Restored the previous run/);
    expect(lines[1]).toMatch(/^Removed .*cccc0001/);
  });

  it('deletes nothing when the directory holds files but no run (someone put notes there since)', async () => {
    const parent = await mkdtemp(join(scratch, 'notes-'));
    const target = join(parent, 'run');
    await mkdir(target);
    await writeFile(join(target, 'README.txt'), 'mine');
    const dead = deadPid();
    const aside = await leftAside(parent, 'run', dead, 'eeee0001', 'old model');
    const lines: string[] = [];
    expect(await recoverInterruptedOverwrite(target, (line) => lines.push(line))).toBeUndefined();
    expect((await readdir(parent)).sort()).toEqual([aside.slice(parent.length + 1), 'run'].sort());
    expect(await contents(aside)).toEqual({
      'model.dualphi': 'old model',
      'run.json': '{"run":"old"}',
    });
    expect(lines).toEqual([
      expect.stringMatching(`^${target} holds no run, and ${aside} holds one`),
    ]);
  });

  it("leaves a live process's, another host's and an old-form copy alone, pointing at them when the run is missing", async () => {
    const parent = await mkdtemp(join(scratch, 'kept-'));
    const target = join(parent, 'run');
    const dead = deadPid();
    const live = await leftAside(parent, 'run', process.pid, 'dddd0001', 'live');
    const foreign = await leftAside(
      parent,
      'run',
      dead,
      'dddd0002',
      'foreign',
      `not-${hostname()}`,
    );
    const oldForm = join(parent, '.run.dualphi-old-dddd0003');
    await mkdir(oldForm);
    await writeFile(join(oldForm, 'model.dualphi'), 'old form');
    const kept = (await readdir(parent)).sort();

    const lines: string[] = [];
    expect(await recoverInterruptedOverwrite(target, (line) => lines.push(line))).toBeUndefined();
    expect((await readdir(parent)).sort()).toEqual(kept);
    // The live one is an overwrite in progress: not worth a line; the others may hold the run.
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(live);
    expect(lines.some((line) => line.includes(foreign))).toBe(true);
    expect(lines.some((line) => line.includes(oldForm))).toBe(true);

    // With the new run in place, none of them is deleted either.
    await mkdir(target);
    await writeFile(join(target, 'model.dualphi'), 'new');
    lines.length = 0;
    await recoverInterruptedOverwrite(target, (line) => lines.push(line));
    expect(lines).toEqual([]);
    expect((await readdir(parent)).sort()).toEqual([...kept, 'run'].sort());
  });
});
