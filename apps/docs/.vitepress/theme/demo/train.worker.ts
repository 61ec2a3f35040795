/**
 * The demo's training worker. It loads the embedded digits and the SIMD WebAssembly
 * kernels, then trains the MLP one epoch per `train()` call, each resuming from the previous
 * call's checkpoint (the optimizer package guarantees this is bit-identical to one
 * uninterrupted run), so that after every epoch it can predict the grid's digits with the
 * current weights. Stop aborts between two batches and keeps the checkpoint, so Start can
 * continue. Running here, off the main thread, keeps the page responsive.
 */
import { type Kernels, loadKernels, relaxedSimdSupported } from '@dualphi/core-wasm';
import wasmUrl from '@dualphi/core-wasm/dualphi-core.wasm?url';
import relaxedWasmUrl from '@dualphi/core-wasm/dualphi-core-relaxed.wasm?url';
import sharedWasmUrl from '@dualphi/core-wasm/dualphi-core-shared.wasm?url';
import sharedRelaxedWasmUrl from '@dualphi/core-wasm/dualphi-core-shared-relaxed.wasm?url';
import {
  type Checkpoint,
  type DataSplit,
  type EpochMetrics,
  loadDigits,
  optimizerFromPreset,
  optimizerPresets,
  train,
} from '@dualphi/optimizer';
import {
  type DemoOptimizerChoice,
  type FromWorker,
  GRID_SIZE,
  type StartMessage,
  type ToWorker,
} from './protocol.js';

/**
 * The demo's optimizer menu: every `--optimizer` name of the registry, with the same preset
 * settings as the command line (so a new optimizer appears here without editing the demo).
 */
function optimizerChoices(): DemoOptimizerChoice[] {
  return optimizerPresets.map((preset) => ({
    value: preset.name,
    // Extensions' summaries say that they are this project's (the registry's tests check it).
    label: `${preset.name}: ${preset.summary}`,
    telemetry: optimizerFromPreset(preset.name).hyperParameters.telemetry === true,
  }));
}

const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

interface Setup {
  kernels: Kernels;
  data: DataSplit;
  /** The grid's images, count × featureCount. */
  grid: Float32Array;
  gridCount: number;
}

let setup: Promise<Setup> | undefined;
/** Where the last run stopped; `undefined` before the first run. */
let checkpoint: Checkpoint | undefined;
let controller: AbortController | undefined;

/** Loads kernels and data once and tells the page which digits the grid shows. */
function prepare(): Promise<Setup> {
  setup ??= (async () => {
    // Shared memory (and so threads) exists only in a cross-origin-isolated page: the docs
    // server sends COOP/COEP; served without them, the demo runs on one thread and says so.
    const isolated = (self as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    // The relaxed-SIMD build (fused multiply-adds in the GEMM) where the browser runs it.
    const relaxed = relaxedSimdSupported();
    const kernels = isolated
      ? await loadKernels({ url: relaxed ? sharedRelaxedWasmUrl : sharedWasmUrl, threads: 'auto' })
      : await loadKernels({ url: relaxed ? relaxedWasmUrl : wasmUrl });
    const threads = !isolated
      ? 'one thread (the page is not cross-origin isolated)'
      : kernels.threads === 1
        ? 'one thread'
        : `${kernels.threads} threads`;
    const data = loadDigits();
    const gridCount = Math.min(GRID_SIZE, data.test.count);
    const grid = data.test.features.slice(0, gridCount * data.test.featureCount);
    scope.postMessage({
      type: 'ready',
      kernels: `${kernels.name}, ${threads}`,
      trainCount: data.train.count,
      testCount: data.test.count,
      images: grid,
      labels: data.test.labels.slice(0, gridCount),
      optimizers: optimizerChoices(),
    });
    return { kernels, data, grid, gridCount };
  })();
  return setup;
}

/** A signal that aborts when `signal` does, or when `abort()` is called. */
function linkedController(signal: AbortSignal): AbortController {
  const linked = new AbortController();
  if (signal.aborted) linked.abort();
  else signal.addEventListener('abort', () => linked.abort(), { once: true });
  return linked;
}

/** Resolves after `ms` milliseconds, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (ms <= 0 || signal.aborted) return done();
    const timer = setTimeout(done, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        done();
      },
      { once: true },
    );
  });
}

/** Trains until the run's epochs are done or `signal` aborts. */
async function run(message: StartMessage, signal: AbortSignal): Promise<void> {
  const { kernels, data, grid, gridCount } = await prepare();
  if (!message.resume) checkpoint = undefined;
  const totalEpochs = checkpoint?.config.epochs ?? message.epochs;
  let lastBatchPost = 0;
  while (!signal.aborted && (checkpoint?.epoch ?? 0) < totalEpochs) {
    const epochStarted = performance.now();
    // One epoch per call: abort right after it so the grid is predicted with its weights.
    const epochEnd = linkedController(signal);
    let finished: EpochMetrics | undefined;
    const result = await train({
      data,
      kernels,
      signal: epochEnd.signal,
      epochs: totalEpochs,
      yieldEvery: 4,
      ...(checkpoint
        ? { resume: checkpoint }
        : {
            hidden: [message.hidden],
            optimizer: optimizerFromPreset(message.optimizer),
            seed: message.seed,
            batchSize: 32,
          }),
      onBatch: (event) => {
        const now = performance.now();
        if (now - lastBatchPost < 50 && event.batch < event.batches) return;
        lastBatchPost = now;
        scope.postMessage({ type: 'batch', ...event });
      },
      onEpoch: (metrics) => {
        finished = metrics;
        epochEnd.abort();
      },
    });
    try {
      checkpoint = result.checkpoint();
      if (finished) {
        scope.postMessage({
          type: 'epoch',
          ...finished,
          predictions: result.model.predict(grid, gridCount),
        });
      }
    } finally {
      result.model.dispose();
    }
    await pause(message.minEpochMs - (performance.now() - epochStarted), signal);
  }
  scope.postMessage({ type: 'done', aborted: signal.aborted });
}

scope.onmessage = (event) => {
  const message = event.data;
  controller?.abort();
  if (message.type === 'stop') return;
  const current = new AbortController();
  controller = current;
  run(message, current.signal).catch((error: unknown) => {
    scope.postMessage({
      type: 'error',
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  });
};

// Load eagerly so that the first Start is quick and a missing wasm file shows at once.
prepare().catch((error: unknown) => {
  scope.postMessage({
    type: 'error',
    message: `could not load the kernels or the data: ${error instanceof Error ? error.message : String(error)}`,
  });
});
