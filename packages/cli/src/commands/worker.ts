/**
 * `dualphi worker --queue redis://…`: runs queued sweep jobs on this machine, N at a time,
 * until stopped (SIGINT/SIGTERM: the running jobs finish first; a second signal leaves at
 * once and those jobs return to the queue when their lock expires) or, with
 * `--exit-when-idle`, until the queue has nothing left to run.
 */
import { Queue } from 'bullmq';
import { ExitCode } from '../errors.js';
import type { CommandContext } from '../program.js';
import { connectRedis, parseQueueAddress, QUEUE_NAME, queueTiming } from '../queue/connection.js';
import { startQueueWorker } from '../queue/worker.js';

/** Options of `worker` as commander hands them over. */
export interface WorkerCommandOptions {
  /** The Redis address. */
  queue: string;
  /** Jobs at the same time. */
  workers: number;
  /** Leave once the queue has no waiting, delayed or running job. */
  exitWhenIdle?: boolean;
}

/** Runs `worker`. */
export async function workerCommand(
  options: WorkerCommandOptions,
  context: CommandContext,
): Promise<void> {
  const { output, env } = context;
  const address = parseQueueAddress(options.queue);
  const timing = queueTiming(env);
  const report = (message: string) => output.message(`worker: ${message}`);
  const connection = await connectRedis(address, report);
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on('error', () => {
    // Reported once by the connection.
  });
  report(
    `connected to Redis at ${address.display}; taking sweep jobs from "${QUEUE_NAME}", ${options.workers} at a time` +
      (options.exitWhenIdle
        ? '; leaving when the queue is empty.'
        : '; stop with Ctrl-C or SIGTERM (running jobs finish first).'),
  );
  const worker = startQueueWorker({
    connection,
    concurrency: options.workers,
    timing,
    env,
    report,
  });
  let idleTimer: NodeJS.Timeout | undefined;
  const handlers: [NodeJS.Signals, () => void][] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let stopping = false;
      const stop = (why: string) => {
        if (stopping) return;
        stopping = true;
        clearInterval(idleTimer);
        report(
          `${why}: ${worker.running > 0 ? `finishing ${worker.running} running job(s), then ` : ''}leaving.` +
            (worker.running > 0
              ? ' (Signal again to leave at once: those jobs go back to the queue.)'
              : ''),
        );
        worker.close().then(resolve, reject);
      };
      for (const name of ['SIGINT', 'SIGTERM'] as const) {
        const handler = () => {
          if (stopping) {
            report(
              `${name} again: leaving now; the running jobs go back to the queue when their lock expires.`,
            );
            process.exit(ExitCode.interrupted);
          }
          stop(name);
        };
        process.on(name, handler);
        handlers.push([name, handler]);
      }
      if (options.exitWhenIdle) {
        let checking = false;
        idleTimer = setInterval(() => {
          if (checking || worker.running > 0) return;
          checking = true;
          queue
            .getJobCounts(
              'waiting',
              'active',
              'delayed',
              'prioritized',
              'waiting-children',
              'paused',
            )
            .then((counts) => {
              const left = Object.values(counts).reduce((sum, n) => sum + n, 0);
              if (left === 0 && worker.running === 0) stop('the queue is empty');
            })
            .catch(() => {
              // The connection reports its own trouble; the next tick tries again.
            })
            .finally(() => {
              checking = false;
            });
        }, timing.pollInterval);
      }
    });
  } finally {
    clearInterval(idleTimer);
    for (const [name, handler] of handlers) process.off(name, handler);
    await queue.close();
    await connection.quit().catch(() => connection.disconnect());
  }
  report(`stopped after ${worker.handled} job(s).`);
}
