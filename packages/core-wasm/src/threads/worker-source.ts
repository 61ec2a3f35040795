/**
 * The body of a GEMM worker thread. It is passed to `new Worker(source, { eval: true })` as
 * text (so it needs no file of its own, whatever the bundler or test runner), and therefore
 * references nothing outside itself: the slot numbers of ./protocol.ts arrive in
 * `workerData.slots`.
 */

/** The worker's main loop; runs inside the worker, never on the main thread. */
function gemmWorker(): void {
  // biome-ignore lint/suspicious/noExplicitAny: the eval'd worker has only CommonJS require.
  const { workerData, parentPort } = (globalThis as any).require('node:worker_threads');
  const { module, memory, control, index, slots, spinMicroseconds } = workerData as {
    module: WebAssembly.Module;
    memory: WebAssembly.Memory;
    control: number;
    index: number;
    slots: Record<string, number>;
    spinMicroseconds: number;
  };
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort(_message: number, _file: number, line: number, column: number): never {
        throw new Error(`dualphi-core-shared.wasm aborted at ${line}:${column}`);
      },
    },
  });
  const region = instance.exports.gemmRegion as (...args: number[]) => void;
  const ctrl = new Int32Array(memory.buffer, control + index * slots.SLOTS * 4, slots.SLOTS);
  const bits = new Int32Array(1);
  const float = new Float32Array(bits.buffer);
  const f32 = (i: number) => {
    bits[0] = ctrl[i] as number;
    return float[0] as number;
  };
  let last = Atomics.load(ctrl, slots.SEQ);
  parentPort.postMessage({ ready: true });
  for (;;) {
    // Spin a little (the next product usually follows within microseconds), then block in
    // bounded waits so an idle worker costs no CPU.
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
        ctrl[slots.TRANS_A],
        ctrl[slots.TRANS_B],
        ctrl[slots.M],
        ctrl[slots.N],
        ctrl[slots.K],
        f32(slots.ALPHA),
        ctrl[slots.A] >>> 0,
        ctrl[slots.B] >>> 0,
        f32(slots.BETA),
        ctrl[slots.C] >>> 0,
        ctrl[slots.I0],
        ctrl[slots.I1],
        ctrl[slots.J0],
        ctrl[slots.J1],
        ctrl[slots.PACK] >>> 0,
        ctrl[slots.EDGE] >>> 0,
      );
    } catch (error) {
      Atomics.store(ctrl, slots.FAILED, 1);
      parentPort.postMessage({ error: String(error) });
    }
    Atomics.store(ctrl, slots.DONE, last);
  }
}

/** The worker program as source text for `new Worker(…, { eval: true })`. */
export const WORKER_SOURCE = `(${gemmWorker.toString()})();`;
