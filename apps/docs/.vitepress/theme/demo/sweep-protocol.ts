/**
 * Messages between the live sweep's executor (on the page) and its Web Workers. Plain data
 * only; the workers load the embedded digits themselves, so only the shared settings travel.
 */
import type { SweepRecord, SweepSetup, SweepTask } from '@dualphi/optimizer';

/** The settings every cell shares, without the data (each worker loads the digits). */
export type SweepSettings = Omit<SweepSetup, 'data'>;

/** Page → worker: train one (cell, seed), or abort the running one. */
export type SweepToWorker =
  | { type: 'task'; settings: SweepSettings; task: SweepTask }
  | { type: 'abort' };

/** Worker → page: the task's record, an aborted task, or a failure. */
export type SweepFromWorker =
  | { type: 'record'; record: SweepRecord }
  | { type: 'aborted' }
  | { type: 'error'; message: string };
