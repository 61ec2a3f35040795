/** The messages between the sweep command and its worker threads. */
import type { SweepRecord, SweepTask } from '@dualphi/optimizer';

/** Parent → worker: run a task, or stop the running one after its current batch. */
export type ToWorker = { type: 'task'; task: SweepTask } | { type: 'abort' };

/** Worker → parent: ready for tasks, a finished record, an aborted task, or a failure. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'record'; record: SweepRecord }
  | { type: 'aborted' }
  | { type: 'error'; message: string };
