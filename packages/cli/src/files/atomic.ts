/**
 * Atomic file writing: a reader (or a crash, or a second Ctrl-C) never sees half a file.
 * The bytes go to a temporary file in the same directory (so the rename stays on one file
 * system), are flushed to disk with fsync, and the temporary file is renamed over the target.
 * A temporary file is removed when the write fails, and also when the process exits in the
 * middle of it (a second Ctrl-C calls `process.exit`, which runs no pending `finally`).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary files of writes in progress, for {@link removeUnfinishedWrites}. */
const unfinished = new Set<string>();

/**
 * Removes the temporary files of atomic writes still in progress (synchronously, so it can run
 * in the process's `exit` event, where it is installed by the first write). The targets keep
 * their previous contents.
 */
export function removeUnfinishedWrites(): void {
  for (const temporary of unfinished) rmSync(temporary, { force: true });
  unfinished.clear();
}

/**
 * Writes `data` to `path` atomically, creating missing parent directories.
 * @param path - the final file.
 * @param data - text (written as UTF-8) or bytes.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  if (!process.listeners('exit').includes(removeUnfinishedWrites)) {
    process.on('exit', removeUnfinishedWrites);
  }
  unfinished.add(temporary);
  try {
    const handle = await open(temporary, 'w', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    unfinished.delete(temporary);
  }
  await syncDirectory(directory);
}

/** Makes the rename itself durable; not every platform lets a directory be opened. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Windows and some file systems refuse fsync on a directory; the rename still happened.
  } finally {
    await handle?.close().catch(() => {});
  }
}
