/**
 * A `SweepExecutor` over Web Workers: `sweep()` of `@dualphi/optimizer` hands it the plan's
 * tasks and it feeds them one at a time to a pool of workers (`sweep.worker.ts`), each with its
 * own kernel instance, reporting each record as it finishes. Records arrive in any order;
 * `sweep()` puts them in plan order.
 */
import type { SweepExecutor, SweepRecord, SweepTask } from '@dualphi/optimizer';
import type { SweepFromWorker, SweepSettings, SweepToWorker } from './sweep-protocol.js';

/** Creates one worker (the page passes `new Worker(new URL(…), { type: 'module' })`). */
export type WorkerFactory = () => Worker;

/** An executor over `count` Web Workers made by `create`; they are terminated when it ends. */
export function webWorkerExecutor(count: number, create: WorkerFactory): SweepExecutor {
  return {
    run(setup, tasks, onRecord, signal) {
      const { data: _data, ...settings }: { data: unknown } & SweepSettings = setup;
      const queue: SweepTask[] = [...tasks];
      const size = Math.max(1, Math.min(count, queue.length));
      const workers: Worker[] = [];
      return new Promise<void>((resolve, reject) => {
        let running = 0;
        let failed = false;
        const finish = (error?: Error) => {
          if (failed) return;
          if (error) {
            failed = true;
            for (const w of workers) w.terminate();
            reject(error);
          } else if (running === 0 && (queue.length === 0 || signal?.aborted)) {
            for (const w of workers) w.terminate();
            resolve();
          }
        };
        const next = (worker: Worker) => {
          const task = signal?.aborted ? undefined : queue.shift();
          if (!task) return finish();
          running++;
          worker.postMessage({ type: 'task', settings, task } satisfies SweepToWorker);
        };
        signal?.addEventListener(
          'abort',
          () => {
            for (const w of workers) w.postMessage({ type: 'abort' } satisfies SweepToWorker);
          },
          { once: true },
        );
        if (queue.length === 0) return resolve();
        for (let i = 0; i < size; i++) {
          const worker = create();
          workers.push(worker);
          worker.onerror = (event) => finish(new Error(event.message || 'a sweep worker failed'));
          worker.onmessage = async (event: MessageEvent<SweepFromWorker>) => {
            const message = event.data;
            running--;
            if (message.type === 'error') return finish(new Error(message.message));
            if (message.type === 'record') {
              try {
                await onRecord(message.record as SweepRecord);
              } catch (error) {
                return finish(error instanceof Error ? error : new Error(String(error)));
              }
            }
            next(worker);
          };
          next(worker);
        }
      });
    },
  };
}
