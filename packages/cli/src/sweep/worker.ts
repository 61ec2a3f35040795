/**
 * A sweep worker thread: its own kernel instance (the wasm module is instantiated per thread),
 * the shared setup from `workerData`, and one task at a time from the parent. Each task is a
 * deterministic `train()` call, so which worker runs it cannot change its figures.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSweepTask, type SweepSetup, type SweepTask } from '@dualphi/optimizer';
import type { FromWorker, ToWorker } from './messages.js';

const port = parentPort;
if (!port) throw new Error('the sweep worker must run in a worker thread');
const setup = workerData as SweepSetup;
let controller: AbortController | undefined;

const send = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') {
    controller?.abort();
    return;
  }
  void run(message.task);
});

async function run(task: SweepTask): Promise<void> {
  controller = new AbortController();
  try {
    const record = await runSweepTask(setup, task, { signal: controller.signal });
    send(record ? { type: 'record', record } : { type: 'aborted' });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    controller = undefined;
  }
}

send({ type: 'ready' });
