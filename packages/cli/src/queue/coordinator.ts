/**
 * The queue executor of `dualphi sweep --queue`: enqueues one BullMQ job per (cell, seed)
 * under a deterministic id, then watches those jobs and hands over each finished record
 * (checked against the result schema) as it arrives. A job that fails for good becomes a
 * {@link SweepFailure}; the rest of the sweep goes on. Stopping (Ctrl-C) only stops the
 * watching: the jobs stay queued, workers go on, and `--resume` gathers them later.
 */
import type { SweepExecutor, SweepRecord, SweepTask } from '@dualphi/optimizer';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorMessage } from '../errors.js';
import { QUEUE_NAME, type QueueTiming } from './connection.js';
import { jobId } from './keys.js';
import { parseSweepResult, QUEUE_SCHEMA_VERSION, type SweepJob } from './schema.js';

/** A (cell, seed) whose job failed for good. */
export interface SweepFailure {
  /** The cell. */
  cellId: string;
  /** The seed. */
  seed: number;
  /** The job's id in the queue. */
  jobId: string;
  /** The last error, as the worker (or the result check) gave it. */
  error: string;
  /** Tries made. */
  attempts: number;
}

/** What the queue executor needs besides the tasks. */
export interface QueueExecutorOptions {
  /** An open connection (see `connectRedis`). */
  connection: Redis;
  /** The sweep's key (see `sweepKey`). */
  sweep: string;
  /** Everything of a job but its task and label. */
  job: Omit<SweepJob, 'task' | 'label' | 'kind' | 'version' | 'sweep'>;
  /** Cell labels by id, for the workers' log lines. */
  labels: Map<string, string>;
  /** Lock, stall and poll timing. */
  timing: QueueTiming;
  /** Progress lines (submitted, re-queued, failed). */
  report: (message: string) => void;
}

/** A {@link SweepExecutor} over a BullMQ queue, with the failures it met. */
export interface QueueExecutor extends SweepExecutor {
  /** The (cell, seed)s that failed for good, in the order they were seen. */
  readonly failures: SweepFailure[];
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Creates the queue executor. */
export function queueExecutor(options: QueueExecutorOptions): QueueExecutor {
  const failures: SweepFailure[] = [];
  return {
    failures,
    run: (_setup, tasks, onRecord, signal) =>
      runOnQueue(options, tasks, onRecord, failures, signal),
  };
}

async function runOnQueue(
  options: QueueExecutorOptions,
  tasks: readonly SweepTask[],
  onRecord: (record: SweepRecord) => void | Promise<void>,
  failures: SweepFailure[],
  signal?: AbortSignal,
): Promise<void> {
  const { connection, sweep, timing, report } = options;
  if (tasks.length === 0) return;
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on('error', () => {
    // Connection trouble is reported once by the connection itself.
  });
  const jobOf = (task: SweepTask) => ({
    name: 'sweep-run',
    data: {
      kind: 'dualphi-sweep-job',
      version: QUEUE_SCHEMA_VERSION,
      sweep,
      label: options.labels.get(task.cellId) ?? task.cellId,
      ...options.job,
      task,
    } satisfies SweepJob,
    opts: {
      jobId: jobId(sweep, task),
      attempts: timing.attempts,
      backoff: { type: 'fixed', delay: 1000 },
      // Kept after the end, so that a restarted coordinator (--resume) still finds them.
      removeOnComplete: false,
      removeOnFail: false,
    },
  });
  try {
    const pending = new Map(tasks.map((task) => [jobId(sweep, task), task]));
    // A job id already in the queue is not added again (BullMQ keeps one job per id).
    await queue.addBulk(tasks.map(jobOf));
    // A job that failed for good before (an earlier submission of this sweep) is tried again.
    let retried = 0;
    for (const id of pending.keys()) {
      const job = await Job.fromId(queue, id);
      if (job && (await job.getState()) === 'failed') {
        await job.retry('failed');
        retried++;
      }
    }
    report(
      `Queued ${tasks.length} runs on ${QUEUE_NAME} (sweep ${sweep})` +
        (retried > 0 ? `, ${retried} of which had failed before and are tried again` : '') +
        '; waiting for workers (dualphi worker --queue …).',
    );
    while (pending.size > 0 && !signal?.aborted) {
      for (const [id, task] of [...pending]) {
        if (signal?.aborted) break;
        const name = `${options.labels.get(task.cellId) ?? task.cellId}, seed ${task.seed}`;
        let job = await Job.fromId(queue, id);
        if (!job) {
          // Redis lost it (restarted without persistence): the deterministic id makes
          // adding it again safe.
          report(`run ${name} is no longer in the queue; queued again`);
          await queue.add(jobOf(task).name, jobOf(task).data, jobOf(task).opts);
          continue;
        }
        const state = await job.getState();
        if (state === 'completed' || state === 'failed') {
          // The job may have ended between reading it and reading its state (its result or
          // reason then still empty in the copy read first): read the ended job again.
          job = (await Job.fromId(queue, id)) ?? job;
        }
        if (state === 'completed') {
          pending.delete(id);
          let record: SweepRecord;
          try {
            record = parseSweepResult(job.returnvalue, { sweep, ...task });
          } catch (error) {
            const failure = {
              cellId: task.cellId,
              seed: task.seed,
              jobId: id,
              attempts: job.attemptsMade,
            };
            failures.push({ ...failure, error: `rejected result: ${errorMessage(error)}` });
            report(`run ${name}: rejected its result: ${errorMessage(error)}`);
            continue;
          }
          await onRecord(record);
        } else if (state === 'failed') {
          pending.delete(id);
          const error = job.failedReason || 'failed without a message';
          failures.push({
            cellId: task.cellId,
            seed: task.seed,
            jobId: id,
            error,
            attempts: job.attemptsMade,
          });
          report(`run ${name} failed for good after ${job.attemptsMade} tries: ${error}`);
        }
      }
      if (pending.size > 0) await sleep(timing.pollInterval, signal);
    }
  } finally {
    await queue.close();
  }
}
