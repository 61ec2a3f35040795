/**
 * The queue worker behind `dualphi worker`: takes sweep jobs from BullMQ, checks each
 * against the job schema and its data against the job's content hash, and runs it as a
 * local sweep cell (the worker-thread executor, `runSweepTask`: the same code path and so
 * the same figures as `dualphi sweep` without `--queue`). Training runs in a worker thread,
 * so this thread stays free to renew the job's lock.
 */
import type { SweepRecord, SweepSetup } from '@dualphi/optimizer';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type ResolvedData, resolveData } from '../data/resolve.js';
import { errorMessage } from '../errors.js';
import { sharedSetup, workerExecutor } from '../sweep/executor.js';
import { QUEUE_NAME, type QueueTiming } from './connection.js';
import { dataHash } from './keys.js';
import { MessageRejectedError, parseSweepJob, resultMessage, type SweepJob } from './schema.js';

/** What {@link startQueueWorker} needs. */
export interface QueueWorkerOptions {
  /** An open connection (see `connectRedis`). */
  connection: Redis;
  /** Jobs run at the same time (one worker thread each). */
  concurrency: number;
  /** Lock and stall timing. */
  timing: QueueTiming;
  /** The environment, for the data's location (`DUALPHI_DATA`). */
  env: NodeJS.ProcessEnv;
  /** Log lines. */
  report: (message: string) => void;
}

/** A running worker. */
export interface QueueWorker {
  /** Jobs running now. */
  readonly running: number;
  /** Jobs finished (completed or failed) since the start. */
  readonly handled: number;
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

interface LoadedData {
  data: ResolvedData;
  hash: string;
  /** The data in shared memory: one copy for every job's worker thread. */
  shared: SweepSetup['data'];
}

/** Starts taking jobs. */
export function startQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const { report, timing } = options;
  // Data loaded once per source: the jobs of a sweep all name the same one.
  const loaded = new Map<string, Promise<LoadedData>>();
  const load = (job: SweepJob): Promise<LoadedData> => {
    const key = JSON.stringify(job.source);
    let entry = loaded.get(key);
    if (!entry) {
      entry = (async () => {
        const data = await resolveData({ ...job.source }, options.env, job.source.seed);
        const shared = sharedSetup({ data: data.split } as SweepSetup).data;
        return { data, hash: dataHash(data.split), shared };
      })();
      entry.catch(() => loaded.delete(key));
      loaded.set(key, entry);
    }
    return entry;
  };
  let running = 0;
  let handled = 0;

  const processor = async (job: Job): Promise<unknown> => {
    let payload: SweepJob;
    try {
      payload = parseSweepJob(job.data);
    } catch (error) {
      report(`rejected job ${job.id}: ${errorMessage(error)}`);
      // Not retried: a malformed job stays malformed.
      throw new UnrecoverableError(`rejected: ${errorMessage(error)}`);
    }
    const { task, label } = payload;
    const name = `${label} seed ${task.seed}`;
    report(`took job ${job.id}: ${name} (try ${job.attemptsMade + 1})`);
    let data: LoadedData;
    try {
      data = await load(payload);
    } catch (error) {
      report(`job ${job.id}: cannot load --data ${payload.source.data}: ${errorMessage(error)}`);
      throw new UnrecoverableError(
        `the worker cannot load --data ${payload.source.data}: ${errorMessage(error)}`,
      );
    }
    if (data.hash !== payload.dataHash) {
      const message = `the worker's copy of --data ${payload.source.data} is not the coordinator's (content hash ${data.hash} here, ${payload.dataHash} in the job); give every machine the same data files`;
      report(`job ${job.id}: ${message}`);
      throw new UnrecoverableError(message);
    }
    const setup: SweepSetup = { data: data.shared, ...payload.settings };
    let record: SweepRecord | undefined;
    await workerExecutor(1).run(setup, [task], (r) => {
      record = r;
    });
    if (!record) throw new Error(`${name} stopped before its end`);
    const last = record.epochs.at(-1);
    report(
      `finished job ${job.id}: ${name} in ${record.seconds.toFixed(1)} s, ` +
        (record.diverged
          ? `diverged at epoch ${record.diverged.epoch}`
          : `validation accuracy ${((last?.validationAccuracy ?? Number.NaN) * 100).toFixed(2)} %`),
    );
    return resultMessage(payload.sweep, record);
  };

  const worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      running++;
      try {
        return await processor(job);
      } finally {
        running--;
        handled++;
      }
    },
    {
      connection: options.connection,
      concurrency: options.concurrency,
      lockDuration: timing.lockDuration,
      stalledInterval: timing.stalledInterval,
      // A job whose worker vanished this many times fails for good.
      maxStalledCount: timing.attempts - 1,
    },
  );
  worker.on('failed', (job, error) => {
    if (job && !(error instanceof UnrecoverableError) && !(error instanceof MessageRejectedError)) {
      report(`job ${job.id} failed: ${error.message}`);
    }
  });
  worker.on('error', () => {
    // Connection trouble is reported once by the connection itself.
  });
  return {
    get running() {
      return running;
    },
    get handled() {
      return handled;
    },
    close: () => worker.close(),
  };
}
