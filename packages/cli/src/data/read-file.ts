/**
 * Reading a whole input file, refusing anything that is not a regular file before a byte is
 * read: a FIFO would block until a writer appears, `/dev/zero` or `/dev/urandom` would fill
 * memory, a directory has no bytes.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { CliError } from '../errors.js';

/** What a file that is neither a regular file nor a directory is, for messages. */
function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of the regular file at `path`. Opened non-blocking so that even opening a FIFO
 * returns at once; the checks are on the opened file (fstat), so it cannot be swapped
 * between the check and the read.
 *
 * @throws CliError for a directory, a FIFO, a device or a socket; the file system's own
 *   error (with its `code`: ENOENT, EACCES, …) when the file cannot be opened or read.
 */
export async function readRegularFile(path: string): Promise<Uint8Array> {
  const handle: FileHandle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await handle.stat();
    if (info.isDirectory())
      throw new CliError(`cannot read ${path}: it is a directory, not a file`);
    if (!info.isFile()) {
      throw new CliError(
        `cannot read ${path}: it is ${kindOf(info)}, not a regular file (dualphi reads only regular files)`,
      );
    }
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}
