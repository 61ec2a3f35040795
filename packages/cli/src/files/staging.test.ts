import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeUncommittedRuns, stageRun } from './staging.js';

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
