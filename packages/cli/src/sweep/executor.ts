/**
 * The parallel sweep executor: a pool of worker threads, each with its own kernel instance,
 * fed one task at a time from a shared queue (so a slow cell does not hold back the others).
 * Records arrive in any order; `sweep()` puts them in plan order, so the result is the same
 * whatever the number of workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SweepExecutor, SweepRecord, SweepSetup, SweepTask } from '@dualphi/optimizer';
import type { FromWorker, ToWorker } from './messages.js';

/** The most workers `--workers` allows: more threads than this only compete for the cores. */
export function maxWorkers(): number {
  return Math.max(1, availableParallelism() * 4);
}

/** The default `--workers`: the machine's available parallelism. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

const workerUrl = new URL('./worker.js', import.meta.url);

/** A copy of `values` in shared memory (workers then read it without a copy of their own). */
function shared<T extends Float32Array | Int32Array>(values: T): T {
  const buffer = new SharedArrayBuffer(values.byteLength);
  const copy = new (values.constructor as new (b: SharedArrayBuffer) => T)(buffer);
  copy.set(values);
  return copy;
}

/**
 * The setup with the data sets' features and labels in shared memory: a structured clone
 * would give every worker its own copy (188 MB of Fashion-MNIST features each).
 */
export function sharedSetup(setup: SweepSetup): SweepSetup {
  const share = (dataset: SweepSetup['data']['train']) => ({
    ...dataset,
    features: shared(dataset.features),
    labels: shared(dataset.labels),
  });
  return { ...setup, data: { train: share(setup.data.train), test: share(setup.data.test) } };
}

/** An executor over `count` worker threads. */
export function workerExecutor(count: number): SweepExecutor {
  return {
    run: (setup, tasks, onRecord, signal) => runPool(count, setup, tasks, onRecord, signal),
  };
}

function runPool(
  count: number,
  setup: SweepSetup,
  tasks: readonly SweepTask[],
  onRecord: (record: SweepRecord) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const queue = [...tasks];
  const size = Math.min(count, queue.length);
  if (size === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let busy = 0;
    let failed: Error | undefined;
    // Records are handed over one at a time, in arrival order (the journal appends them).
    let delivery: Promise<void> = Promise.resolve();
    let settled = false;

    const finish = () => {
      if (settled || busy > 0) return;
      if (queue.length > 0 && !failed && !signal?.aborted) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      delivery.then(
        async () => {
          await Promise.all(workers.map((worker) => worker.terminate()));
          if (failed) reject(failed);
          else resolve();
        },
        async (error: unknown) => {
          await Promise.all(workers.map((worker) => worker.terminate()));
          reject(error);
        },
      );
    };
    const next = (worker: Worker) => {
      const task = failed || signal?.aborted ? undefined : queue.shift();
      if (!task) {
        finish();
        return;
      }
      busy++;
      worker.postMessage({ type: 'task', task } satisfies ToWorker);
    };
    const onAbort = () => {
      for (const worker of workers) worker.postMessage({ type: 'abort' } satisfies ToWorker);
      finish();
    };
    signal?.addEventListener('abort', onAbort);

    const data = sharedSetup(setup);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(workerUrl, { workerData: data });
      workers.push(worker);
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          next(worker);
          return;
        }
        busy--;
        if (message.type === 'record') {
          const record = message.record;
          delivery = delivery.then(() => onRecord(record));
          delivery.catch((error: unknown) => {
            failed ??= error instanceof Error ? error : new Error(String(error));
          });
        } else if (message.type === 'error') {
          failed ??= new Error(message.message);
        }
        next(worker);
      });
      worker.on('error', (error) => {
        failed ??= error;
        busy = Math.max(0, busy - 1);
        finish();
      });
    }
  });
}
