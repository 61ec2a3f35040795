/**
 * All-or-nothing run directories. A run's files are written into a hidden sibling directory
 * (`.NAME.dualphi-staging-XXXX`, same parent, so renames stay on one file system) and swapped
 * in with renames only when the run ends: a reader, a crash, a full disk or a second Ctrl-C
 * never leaves one run's checkpoint beside another run's model and metrics. The swap moves the
 * old directory aside (`.NAME.dualphi-old-PID-HOST-XXXX`), renames the staging directory into
 * place and then deletes the old one; entries of the old directory that are not run files
 * (notes, subdirectories) are moved into the new one first, so nothing but the old run is
 * replaced. A `kill -9` between those steps is repaired by the next command writing into NAME
 * ({@link recoverInterruptedOverwrite}).
 * A directory that cannot be swapped (the working directory, a mount point such as a Docker
 * volume) or whose parent is not writable is staged inside itself and its files are replaced
 * one rename at a time instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CliError, errorMessage } from '../errors.js';
import { isRunFile } from './run-directory.js';

/** Staging directories of runs in progress, removed when the process exits early. */
const pending = new Set<string>();

/** A swap in progress: the old run moved aside, and the staging directory taking its place. */
interface Swap {
  target: string;
  old: string;
  staging: string;
}

const swapping = new Set<Swap>();

/**
 * Removes the staging directories of runs that have not been committed (synchronously, for the
 * process's `exit` event: a second Ctrl-C or SIGTERM calls `process.exit`). The run directories
 * keep their previous contents: a swap caught half-way is undone (the old run and the entries
 * already moved go back) or, when the new run is in place, finished.
 */
export function removeUncommittedRuns(): void {
  for (const { target, old, staging } of swapping) {
    // Not moved aside yet: the target is untouched.
    if (!existsSync(old)) continue;
    if (existsSync(target)) {
      removeNow(old);
      continue;
    }
    try {
      for (const name of readdirSync(staging)) {
        if (!isRunFile(name)) renameSync(join(staging, name), join(old, name));
      }
    } catch {
      // The staging directory is gone or unreadable: nothing of the old run is in it.
    }
    renameSync(old, target);
  }
  swapping.clear();
  for (const directory of pending) removeNow(directory);
  pending.clear();
}

/**
 * Removes a directory tree synchronously, retrying briefly: a write still in flight in libuv's
 * thread pool when `process.exit` runs can add a file between the removal of the entries and of
 * the directory (ENOTEMPTY), which left the staging directory behind.
 */
function removeNow(directory: string): void {
  try {
    rmSync(directory, { recursive: true, force: true, maxRetries: 10, retryDelay: 5 });
  } catch {
    // Nothing more can be done while exiting; the directory is hidden and named as staging.
  }
}

/** The reason of a file-system error in words, for one-line messages. */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return errorMessage(error);
}

/** A run being written: files go to {@link StagedRun.directory} until {@link StagedRun.commit}. */
export interface StagedRun {
  /** The staging directory the files are written to. */
  readonly directory: string;
  /** The run directory it becomes (absolute). */
  readonly target: string;
  /** Swaps the staging directory in for the target (whose old run is removed). */
  commit(): Promise<void>;
  /** Removes the staging directory; the target is left as it was. */
  discard(): Promise<void>;
}

/**
 * The owner marker inside each staging directory: which process (pid, host) writes it. A
 * `kill -9` (or a power cut) runs no exit hook, so its staging directory stays behind; the
 * next run into the same directory finds the marker, sees that its process is gone and
 * removes it. It is taken out before the commit, so it never lands in a run directory.
 */
export const STAGING_OWNER = '.dualphi-owner.json';

/** What {@link STAGING_OWNER} holds. */
interface StagingOwner {
  pid: number;
  host: string;
}

/** True when process `pid` exists on this machine (EPERM: it exists but is someone else's). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when the process that left a directory behind is known to be gone: it ran on this host
 * (another host's pid cannot be checked from here) and no process has its pid now.
 */
function ownerGone(owner: { pid: number; onThisHost: boolean }): boolean {
  return owner.onThisHost && !processAlive(owner.pid);
}

/** The owner of a staging directory, or undefined when it has no readable marker. */
async function stagingOwner(directory: string): Promise<StagingOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(directory, STAGING_OWNER), 'utf8'));
    if (Number.isSafeInteger(owner?.pid) && typeof owner?.host === 'string') return owner;
  } catch {
    // No marker (a run of an older version, or killed before writing it): owner unknown.
  }
  return undefined;
}

/**
 * Repairs an interrupted overwrite of `target` first ({@link recoverInterruptedOverwrite}), then
 * removes the staging directories of `target` (siblings `.NAME.dualphi-staging-*` and, for a
 * target staged inside itself, `.dualphi-staging-*` in it) whose marker names a process of
 * this host that no longer runs. Kept: a live process's (another run is writing it), another
 * host's (a shared file system: its liveness cannot be checked from here) and one without a
 * marker (its owner is unknown).
 * @param report - called with one line per directory removed.
 * @returns the directories removed.
 */
export async function removeStaleStaging(
  target: string,
  report?: (line: string) => void,
): Promise<string[]> {
  const absolute = resolve(target);
  await recoverInterruptedOverwrite(absolute, report);
  const places: [string, string][] = [
    [dirname(absolute), `.${basename(absolute)}.dualphi-staging-`],
    [absolute, '.dualphi-staging-'],
  ];
  const removed: string[] = [];
  for (const [parent, prefix] of places) {
    let names: string[];
    try {
      names = await readdir(parent);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const directory = join(parent, name);
      if (pending.has(directory)) continue;
      const owner = await stagingOwner(directory);
      if (!owner || !ownerGone({ pid: owner.pid, onThisHost: owner.host === hostname() })) continue;
      await rm(directory, { recursive: true, force: true });
      removed.push(directory);
      report?.(
        `Removed ${directory}: left by an earlier run into ${target} (pid ${owner.pid}, no longer running) that was killed before it could clean up.`,
      );
    }
  }
  return removed;
}

function sibling(target: string, kind: 'staging' | 'old', suffix = randomSuffix()): string {
  return join(dirname(target), `.${basename(target)}.dualphi-${kind}-${suffix}`);
}

const randomSuffix = (): string => randomBytes(4).toString('hex');

/**
 * This host in the names of directories moved aside: a short hash, since a host name can be
 * long (a file name has 255 bytes) and its liveness checks only need to tell it from others.
 */
function hostTag(host: string = hostname()): string {
  return createHash('sha256').update(host).digest('hex').slice(0, 8);
}

/**
 * The name suffix of the old run moved aside by {@link swap}: the owner's pid and host tag
 * (its staging directory's marker is taken out before the swap, so the name must say whose
 * it is) and the suffix of the staging directory taking its place.
 */
function asideSuffix(staging: string): string {
  const stagingSuffix = basename(staging).split('-').at(-1) as string;
  return `${process.pid}-${hostTag()}-${stagingSuffix}`;
}

/** Who moved an old run aside, read from its name's suffix; undefined for the older form (`XXXX` only). */
function asideOwner(
  suffix: string,
): { pid: number; onThisHost: boolean; stagingSuffix: string } | undefined {
  const match = /^(\d+)-([0-9a-f]{8})-([0-9a-f]+)$/.exec(suffix);
  if (!match) return undefined;
  const pid = Number(match[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, onThisHost: match[2] === hostTag(), stagingSuffix: match[3] as string };
}

/**
 * What `directory` holds: nothing (missing, or empty as `--out` makes it), a run (any run
 * file), or only other entries (notes someone put there since: neither state a swap leaves).
 */
async function holding(directory: string): Promise<'nothing' | 'run' | 'other'> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    // Unreadable or not a directory: treated as holding something, so nothing is touched.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'nothing' : 'other';
  }
  if (names.length === 0) return 'nothing';
  return names.some(isRunFile) ? 'run' : 'other';
}

/**
 * Repairs what an overwrite of `target` killed half-way (`kill -9`, a power cut: no exit hook
 * ran) left beside it. When `target` holds a run, the new run was in place: the old run moved
 * aside (`.NAME.dualphi-old-*`) is deleted. When `target` is missing or empty, the previous run
 * is only in the copy moved aside: it is renamed back (the newest, when there are several),
 * with the entries that were not run files taken back from the killed run's staging directory,
 * and the staging directory removed. Only copies whose owner is known to be gone are touched
 * (a pid of this host that no longer runs); a live process's, another host's and one named in
 * the older form without owner are kept, and when `target` is missing such a copy is named in
 * a line so the run can be found; so is a dead owner's copy when `target` holds files but no run
 * (nothing is merged or deleted then).
 * @param report - called with one line per copy restored, deleted or pointed at.
 * @returns the copy restored to `target`, if any.
 */
export async function recoverInterruptedOverwrite(
  target: string,
  report?: (line: string) => void,
): Promise<string | undefined> {
  const absolute = resolve(target);
  const parent = dirname(absolute);
  const prefix = `.${basename(absolute)}.dualphi-old-`;
  let names: string[];
  try {
    names = (await readdir(parent)).filter((name) => name.startsWith(prefix));
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const inProgress = new Set([...swapping].map((swap) => swap.old));
  const gone: { aside: string; stagingSuffix: string; pid: number; changed: number }[] = [];
  const held = await holding(absolute);
  const empty = held === 'nothing';
  for (const name of names) {
    const aside = join(parent, name);
    if (inProgress.has(aside)) continue;
    const owner = asideOwner(name.slice(prefix.length));
    if (owner && ownerGone(owner)) {
      const changed = await stat(aside).then(
        (info) => info.ctimeMs,
        () => Number.NaN,
      );
      if (!Number.isNaN(changed)) gone.push({ aside, ...owner, changed });
    } else if (empty && !(owner?.onThisHost && processAlive(owner.pid))) {
      report?.(
        `${absolute} is missing or empty, and ${aside} holds a run an overwrite moved aside${owner ? ` on another host (pid ${owner.pid})` : ''} that may not have finished; it is left as it is: rename it back to ${absolute} if that run is the one you want.`,
      );
    }
  }
  let restored: string | undefined;
  if (empty && gone.length > 0) {
    // The newest copy is the run that was in place last.
    gone.sort((a, b) => b.changed - a.changed);
    const { aside, stagingSuffix, pid } = gone.shift() as (typeof gone)[number];
    const staging = sibling(absolute, 'staging', stagingSuffix);
    try {
      for (const name of await readdir(staging)) {
        if (!isRunFile(name) && name !== STAGING_OWNER) {
          await rename(join(staging, name), join(aside, name));
        }
      }
    } catch {
      // No staging directory left (or unreadable): nothing of the old run is in it.
    }
    await rm(staging, { recursive: true, force: true });
    // rename(2) replaces an empty directory (one `--out` made) in one step.
    await rename(aside, absolute);
    restored = aside;
    report?.(
      `Restored the previous run of ${absolute} from an interrupted overwrite (pid ${pid}, killed before the new run was in place, had moved it to ${aside}).`,
    );
  }
  for (const { aside, pid } of gone) {
    if (held === 'other') {
      report?.(
        `${absolute} holds no run, and ${aside} holds one an overwrite (pid ${pid}, no longer running) moved aside; it is left as it is: move its files back into ${absolute} if that run is the one you want.`,
      );
      continue;
    }
    await rm(aside, { recursive: true, force: true });
    report?.(
      `Removed ${aside}: an earlier run of ${absolute}, moved aside by an overwrite (pid ${pid}, no longer running) that was killed before it could delete it; ${absolute} holds the newer run.`,
    );
  }
  return restored;
}

/** True when `directory` is the working directory or one above it (it cannot be swapped). */
function holdsWorkingDirectory(directory: string): boolean {
  const path = relative(directory, process.cwd());
  return path === '' || !(path.startsWith('..') || isAbsolute(path));
}

/**
 * Whether the staging directory must live inside the target: when the target is the working
 * directory (or above it; the shell sitting in it cannot be moved) or a mount point (a Docker
 * volume: it cannot be renamed, and its parent is another file system).
 */
async function mustStageInside(target: string): Promise<boolean> {
  if (holdsWorkingDirectory(target)) return true;
  try {
    const [own, parent] = await Promise.all([stat(target), stat(dirname(target))]);
    return own.dev !== parent.dev;
  } catch {
    return false;
  }
}

/**
 * Creates the staging directory for the run directory `target`: a sibling, swapped in whole
 * at the commit; or, where the target cannot be swapped (see {@link mustStageInside}) or its
 * parent is not writable, a hidden directory inside it, whose files replace the old ones one
 * rename at a time (each file whole, the set not at once). Stale staging directories of the
 * same target are removed first ({@link removeStaleStaging}).
 * @param report - told, in one line each, of the stale staging directories removed.
 * @throws CliError naming the directory when neither place can hold the staging directory.
 */
export async function stageRun(
  target: string,
  report?: (line: string) => void,
): Promise<StagedRun> {
  const absolute = resolve(target);
  await removeStaleStaging(absolute, report);
  if (!process.listeners('exit').includes(removeUncommittedRuns)) {
    process.on('exit', removeUncommittedRuns);
  }
  let directory = sibling(absolute, 'staging');
  let inside = await mustStageInside(absolute);
  let failure: unknown;
  if (!inside) {
    try {
      await mkdir(directory);
    } catch (error) {
      failure = error;
      inside = true;
    }
  }
  if (inside) {
    directory = join(absolute, `.dualphi-staging-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(directory);
      failure = undefined;
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) {
    throw new CliError(
      `cannot write the run in ${absolute}: ${fileErrorReason(failure)}; the files in ${absolute} are intact`,
    );
  }
  pending.add(directory);
  const owner: StagingOwner = { pid: process.pid, host: hostname() };
  try {
    await writeFile(join(directory, STAGING_OWNER), `${JSON.stringify(owner)}\n`);
  } catch (error) {
    pending.delete(directory);
    await rm(directory, { recursive: true, force: true });
    throw new CliError(
      `cannot write the run in ${absolute}: ${fileErrorReason(error)}; the files in ${absolute} are intact`,
    );
  }
  let done = false;
  return {
    directory,
    target: absolute,
    async commit() {
      if (done) throw new Error('a staged run is committed or discarded once');
      done = true;
      try {
        await rm(join(directory, STAGING_OWNER), { force: true });
        if (inside) await commitInPlace(directory, absolute);
        else await swap(directory, absolute);
      } finally {
        pending.delete(directory);
        await rm(directory, { recursive: true, force: true });
      }
    },
    async discard() {
      if (done) return;
      done = true;
      pending.delete(directory);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Renames `staging` to `target`, moving the target's other entries along and its run away. */
async function swap(staging: string, target: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (entries.length === 0) {
    // rename(2) replaces an empty directory in one step.
    await rename(staging, target);
    return;
  }
  const old = sibling(target, 'old', asideSuffix(staging));
  const swap: Swap = { target, old, staging };
  swapping.add(swap);
  try {
    await rename(target, old);
  } catch (error) {
    swapping.delete(swap);
    throw error;
  }
  try {
    for (const name of entries) {
      if (!isRunFile(name)) await rename(join(old, name), join(staging, name));
    }
    await rename(staging, target);
  } catch (error) {
    // Put everything back as it was: the moved entries, then the old directory.
    for (const name of entries) {
      if (!isRunFile(name)) await rename(join(staging, name), join(old, name)).catch(() => {});
    }
    await rename(old, target).catch(() => {});
    swapping.delete(swap);
    throw error;
  }
  swapping.delete(swap);
  await rm(old, { recursive: true, force: true });
}

/**
 * Where the target cannot be swapped (the working directory, a mount point): the new files
 * replace the old ones one rename at a time (each file still whole), and run files the new run
 * does not have are removed.
 */
async function commitInPlace(staging: string, target: string): Promise<void> {
  const fresh = await readdir(staging);
  for (const name of fresh) await rename(join(staging, name), join(target, name));
  for (const name of await readdir(target)) {
    if (isRunFile(name) && !fresh.includes(name)) await rm(join(target, name), { force: true });
  }
}

/**
 * Runs `write` (which writes into `staged.directory` and commits); a file-system failure — a
 * full disk, a read-only directory — discards the staged files and becomes one line naming
 * the run directory and the file, and saying the run directory is as it was.
 * @param what - what is being saved, for the message: `the run`, `the comparison`.
 */
export async function writeStaged(
  staged: StagedRun,
  write: () => Promise<void>,
  what = 'the run',
): Promise<void> {
  try {
    await write();
  } catch (error) {
    await staged.discard().catch(() => {});
    if (error instanceof CliError) throw error;
    const path = (error as NodeJS.ErrnoException).path;
    throw new CliError(
      `cannot save ${what} in ${staged.target}: ${fileErrorReason(error)}${path ? ` (writing ${path})` : ''}; no file of it was kept, and the previous files in ${staged.target} are intact`,
    );
  }
}
