/**
 * Deterministic names of a queued sweep: the sweep's key (a hash of everything that defines
 * its results), each (cell, seed)'s job id derived from it, and the content hash of the data.
 * Re-submitting a sweep, or a second coordinator of the same sweep, produces the same job
 * ids, and the queue keeps one job per id: work is never duplicated.
 */
import { createHash } from 'node:crypto';
import type { DataSplit, SweepTask } from '@dualphi/optimizer';
import type { SweepDescription } from '../sweep/journal.js';

/** `sha256:` + hex over the shapes, features and labels of the training and test sets. */
export function dataHash(split: DataSplit): string {
  const hash = createHash('sha256');
  for (const set of [split.train, split.test]) {
    hash.update(`${set.count}x${set.featureCount}:${set.classCount};`);
    hash.update(
      new Uint8Array(set.features.buffer, set.features.byteOffset, set.features.byteLength),
    );
    hash.update(new Uint8Array(set.labels.buffer, set.labels.byteOffset, set.labels.byteLength));
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The sweep's key: 32 hex digits of a hash of its plan, settings, data source and data. */
export function sweepKey(description: SweepDescription, contentHash: string): string {
  const { plan, settings, source } = description;
  return createHash('sha256')
    .update(JSON.stringify({ plan, settings, source, data: contentHash }))
    .digest('hex')
    .slice(0, 32);
}

/**
 * The job id of one (cell, seed): `dualphi-` + the sweep key + a hash of the task's key.
 * (BullMQ ids are not to be integers or contain `:`, which cell ids do.)
 */
export function jobId(key: string, task: Pick<SweepTask, 'cellId' | 'seed'>): string {
  const digest = createHash('sha256')
    .update(`${task.cellId}\n${task.seed}`)
    .digest('hex')
    .slice(0, 16);
  return `dualphi-${key}-${digest}`;
}
