/**
 * A live-sweep worker of the demo: its own WebAssembly kernel instance and its own copy of the
 * embedded digits, one sweep task (a cell and a seed) at a time from the page's executor
 * (`sweep-executor.ts`). Each task is a deterministic `runSweepTask()` call, so which worker
 * runs it cannot change its figures.
 */
import { loadKernels } from '@dualphi/core-wasm';
import wasmUrl from '@dualphi/core-wasm/dualphi-core.wasm?url';
import { loadDigits, runSweepTask, type SweepSetup } from '@dualphi/optimizer';
import type { SweepFromWorker, SweepToWorker } from './sweep-protocol.js';

const scope = self as unknown as {
  postMessage(message: SweepFromWorker): void;
  onmessage: ((event: MessageEvent<SweepToWorker>) => void) | null;
};

const ready = (async () => ({
  kernels: await loadKernels({ url: wasmUrl }),
  data: loadDigits(),
}))();
let controller: AbortController | undefined;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'abort') {
    controller?.abort();
    return;
  }
  const current = new AbortController();
  controller = current;
  (async () => {
    const { kernels, data } = await ready;
    const setup: SweepSetup = { ...message.settings, data };
    const record = await runSweepTask(setup, message.task, { kernels, signal: current.signal });
    scope.postMessage(record ? { type: 'record', record } : { type: 'aborted' });
  })().catch((error: unknown) => {
    scope.postMessage({
      type: 'error',
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  });
};
