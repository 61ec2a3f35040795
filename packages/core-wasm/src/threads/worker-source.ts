/**
 * The program of a GEMM worker thread, as source text (for Node's
 * `new Worker(source, { eval: true })`, and for a browser's Web Worker from a Blob URL):
 * it needs no file of its own whatever the bundler or test runner, and is plain JavaScript that
 * no tool rewrites. It references nothing outside itself; the slot numbers of ./protocol.ts
 * arrive in `data.slots`. The dynamic import works whether Node evaluates it as a script
 * or as a module (it follows the parent's `--input-type`).
 */

/** The worker's loop, shared by both programs: `data` holds the module, memory and slots. */
const MAIN = `
const main = (data, post) => {
  const { module, memory, control, index, slots, spinMicroseconds } = data;
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort(_message, _file, line, column) {
        throw new Error('dualphi-core-shared.wasm aborted at ' + line + ':' + column);
      },
    },
  });
  const region = instance.exports.gemmRegion;
  const ctrl = new Int32Array(memory.buffer, control + index * slots.SLOTS * 4, slots.SLOTS);
  const bits = new Int32Array(1);
  const float = new Float32Array(bits.buffer);
  const f32 = (i) => {
    bits[0] = ctrl[i];
    return float[0];
  };
  let last = Atomics.load(ctrl, slots.SEQ);
  post({ ready: true });
  for (;;) {
    // Spin a little (the next product usually follows within microseconds), then block in
    // bounded waits so that an idle worker costs no CPU.
    const spinUntil = performance.now() + spinMicroseconds / 1000;
    let spins = 0;
    while (Atomics.load(ctrl, slots.SEQ) === last) {
      if ((++spins & 255) === 0 && performance.now() > spinUntil) {
        Atomics.wait(ctrl, slots.SEQ, last, 200);
      }
    }
    last = Atomics.load(ctrl, slots.SEQ);
    if (Atomics.load(ctrl, slots.STOP) !== 0) return;
    try {
      region(
        ctrl[slots.TRANS_A], ctrl[slots.TRANS_B], ctrl[slots.M], ctrl[slots.N], ctrl[slots.K],
        f32(slots.ALPHA), ctrl[slots.A] >>> 0, ctrl[slots.B] >>> 0, f32(slots.BETA),
        ctrl[slots.C] >>> 0, ctrl[slots.I0], ctrl[slots.I1], ctrl[slots.J0], ctrl[slots.J1],
        ctrl[slots.PACK] >>> 0, ctrl[slots.EDGE] >>> 0,
      );
    } catch (error) {
      Atomics.store(ctrl, slots.FAILED, 1);
      post({ error: String(error) });
    }
    Atomics.store(ctrl, slots.DONE, last);
  }
};
`;

/** The worker program for Node `worker_threads` (its data arrives as `workerData`). */
export const WORKER_SOURCE = `${MAIN}
(async () => {
  const { workerData, parentPort } = await import('node:worker_threads');
  main(workerData, (message) => parentPort.postMessage(message));
})();
`;

/** The worker program for a browser's Web Worker (its data arrives as the first message). */
export const BROWSER_WORKER_SOURCE = `${MAIN}
self.onmessage = (event) => {
  self.onmessage = null;
  main(event.data, (message) => self.postMessage(message));
};
`;
