/**
 * Where a new sweep (or comparison) writes: `--out DIR`, with the rules of every run
 * directory. A directory that already holds a sweep or another command's run is refused with
 * the remedy, unless `--overwrite` is given; then the new sweep is staged in a hidden sibling
 * directory (journal included) and swapped in whole when it ends, so the old run stays intact
 * until then and is left as it was when the new one is abandoned (a second Ctrl-C, a failure).
 * An empty or new directory is written in place, so a crash keeps the journal for `--resume`.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, errorMessage, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import { existingRunFiles, prepareOutDirectory } from '../files/run-directory.js';
import { removeStaleStaging, stageRun } from '../files/staging.js';
import { jsonText } from '../terminal/output.js';
import { otherCommandFiles, type SweepDescription, sweepFiles } from './journal.js';

/** A sweep's run directory being written. */
export interface SweepDirectory {
  /** Where the journal and the files go now (a staging directory with `--overwrite`). */
  readonly directory: string;
  /** The directory the user named (what messages and `--resume` name). */
  readonly target: string;
  /** True when staged (`--overwrite` over a run): the target changes only at the commit. */
  readonly staged: boolean;
  /** Puts the sweep in place (swaps a staged one in; nothing to do otherwise). */
  commit(): Promise<void>;
  /** Abandons a staged sweep, leaving the target as it was (nothing to do otherwise). */
  discard(): Promise<void>;
}

/** A sweep directory written where it is (a new `--out`, or `--resume DIR`). */
export function inPlace(directory: string): SweepDirectory {
  const nothing = async () => {};
  return { directory, target: directory, staged: false, commit: nothing, discard: nothing };
}

/** What is in `directory` that a new sweep would replace, in words; undefined when nothing. */
async function heldRun(directory: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    throw new CliError(`--out ${directory}: cannot read the directory: ${errorMessage(error)}`);
  }
  if (names.includes(sweepFiles.plan)) return 'sweep';
  const markers = await existingRunFiles(directory);
  if (markers.length === 0) return undefined;
  // The most telling marker first (run.json alone could be either command's).
  const marker = Object.keys(otherCommandFiles).find((name) => markers.includes(name));
  const command = marker === undefined ? undefined : otherCommandFiles[marker];
  return `run of ${command ?? 'another dualphi command'} (${markers.join(', ')})`;
}

/**
 * Opens `--out` for a new sweep and writes its description there (or in the staging
 * directory): refuses a directory holding a run unless `overwrite`, and removes staging
 * directories left there by a killed run first.
 * @param report - told of what was cleaned up, one line each.
 * @throws UsageError naming the run found and the remedies; CliError for an unwritable place.
 */
export async function openSweepDirectory(
  out: string,
  description: SweepDescription,
  overwrite: boolean,
  report: (line: string) => void,
): Promise<SweepDirectory> {
  await prepareOutDirectory(out);
  await removeStaleStaging(out, report);
  const held = await heldRun(out);
  if (held !== undefined && !overwrite) {
    const resume = held === 'sweep' ? `continue it with dualphi sweep --resume ${out}, ` : '';
    throw new UsageError(
      `--out ${out} already holds a ${held}: ${resume}replace it with --overwrite, or choose another --out`,
    );
  }
  if (held === undefined) {
    await writeFileAtomic(join(out, sweepFiles.plan), jsonText(description));
    return inPlace(out);
  }
  const staged = await stageRun(out, report);
  try {
    await writeFileAtomic(join(staged.directory, sweepFiles.plan), jsonText(description));
  } catch (error) {
    await staged.discard();
    throw new CliError(
      `cannot write the sweep in ${out}: ${errorMessage(error)}; the files in ${out} are intact`,
    );
  }
  return {
    directory: staged.directory,
    target: out,
    staged: true,
    commit: () => staged.commit(),
    discard: () => staged.discard(),
  };
}
