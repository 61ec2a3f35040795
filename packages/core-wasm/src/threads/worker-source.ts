/**
 * The program of a GEMM worker thread, as source text for `new Worker(source, { eval: true })`:
 * it needs no file of its own whatever the bundler or test runner, and is plain JavaScript that
 * no tool rewrites. It references nothing outside itself; the slot numbers of ./protocol.ts
 * arrive in `workerData.slots`. The dynamic import works whether Node evaluates it as a script
 * or as a module (it follows the parent's `--input-type`).
 */

/** The worker program (runs inside the worker, never on the main thread). */
export const WORKER_SOURCE = `
(async () => {
  const { workerData, parentPort } = await import('node:worker_threads');
  const { module, memory, control, index, slots, spinMicroseconds } = workerData;
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
  parentPort.postMessage({ ready: true });
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
      parentPort.postMessage({ error: String(error) });
    }
    Atomics.store(ctrl, slots.DONE, last);
  }
})();
`;
