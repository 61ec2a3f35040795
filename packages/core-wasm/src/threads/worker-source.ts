/**
 * The program of a worker thread (GEMM regions, ranges of updates and reductions), as source text (for Node's
 * `new Worker(source, { eval: true })`, and for a browser's Web Worker from a Blob URL):
 * it needs no file of its own whatever the bundler or test runner, and is plain JavaScript that
 * no tool rewrites. It references nothing outside itself; the slot numbers of ./protocol.ts
 * arrive in `data.slots`. The dynamic import works whether Node evaluates it as a script
 * or as a module (it follows the parent's `--input-type`).
 */

/** The worker's loop, shared by both programs: `data` holds the module, memory and slots. */
const MAIN = `
const main = (data, post) => {
  const { module, memory, control, index, slots, spinMicroseconds, preemptedMicroseconds } = data;
  const preemptedMilliseconds = preemptedMicroseconds / 1000;
  const { contendedMilliseconds } = data;
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort(_message, _file, line, column) {
        throw new Error('dualphi-core-shared.wasm aborted at ' + line + ':' + column);
      },
    },
  });
  const ex = instance.exports;
  const region = ex.gemmRegion;
  const block = control + index * slots.SLOTS * 4;
  const ctrl = new Int32Array(memory.buffer, block, slots.SLOTS);
  const f64 = new Float64Array(memory.buffer, block + slots.F64 * 4, (slots.SLOTS - slots.F64) / 2);
  const bits = new Int32Array(1);
  const float = new Float32Array(bits.buffer);
  const f32 = (i) => {
    bits[0] = ctrl[i];
    return float[0];
  };
  const at = (slot) => ctrl[slot] >>> 0;
  // An update job's element range: its addresses moved to the range's first element.
  const from = (slot) => at(slot) + ctrl[slots.LO] * 4;
  const job = () => {
    const kind = ctrl[slots.KIND];
    const length = ctrl[slots.HI] - ctrl[slots.LO];
    if (kind === slots.JOB_GEMM) {
      region(
        ctrl[slots.TRANS_A], ctrl[slots.TRANS_B], ctrl[slots.M], ctrl[slots.N], ctrl[slots.K],
        f32(slots.ALPHA), at(slots.A), at(slots.B), f32(slots.BETA), at(slots.C),
        ctrl[slots.I0], ctrl[slots.I1], ctrl[slots.J0], ctrl[slots.J1],
        at(slots.PACK), at(slots.EDGE), at(slots.BIAS), ctrl[slots.RELU],
      );
    } else if (kind === slots.JOB_HEAVY_BALL) {
      ex.heavyBall(from(slots.X0), from(slots.X1), from(slots.X2), length, f64[0], f64[1], 0);
    } else if (kind === slots.JOB_HEAVY_BALL_CHUNKS) {
      ex.heavyBallChunks(
        at(slots.X0), at(slots.X1), at(slots.X2), ctrl[slots.X3], f64[0], f64[1],
        ctrl[slots.LO], ctrl[slots.HI], at(slots.X4) + ctrl[slots.LO] * 24,
      );
    } else if (kind === slots.JOB_MOMENTUM) {
      ex.momentumUpdate(
        from(slots.X0), from(slots.X1), from(slots.X2), length, f64[0], f64[1], ctrl[slots.X3],
      );
    } else if (kind === slots.JOB_ADAM) {
      ex.adam(
        from(slots.X0), from(slots.X1), from(slots.X2), from(slots.X3), length,
        f64[0], f64[1], f64[2], f64[3], ctrl[slots.X4], f64[4],
      );
    } else if (kind === slots.JOB_LION) {
      ex.lionUpdate(
        from(slots.X0), from(slots.X1), from(slots.X2), length, f64[0], f64[1], f64[2], f64[3],
      );
    } else if (kind === slots.JOB_SCHEDULE_FREE_SGD) {
      ex.scheduleFreeSgdUpdate(
        from(slots.X0), from(slots.X1), from(slots.X2), from(slots.X3), length,
        f64[0], f64[1], f64[2], f64[3],
      );
    } else if (kind === slots.JOB_SCHEDULE_FREE_ADAMW) {
      ex.scheduleFreeAdamWUpdate(
        from(slots.X0), from(slots.X1), from(slots.X2), from(slots.X3), from(slots.X4), length,
        f64[0], f64[1], f64[2], f64[3], f64[4], f64[5], f64[6],
      );
    } else if (kind === slots.JOB_SUM_OF_SQUARES) {
      ex.sumOfSquaresChunks(
        at(slots.X0), ctrl[slots.X1], ctrl[slots.LO], ctrl[slots.HI],
        at(slots.X2) + ctrl[slots.LO] * 8,
      );
    } else if (kind === slots.JOB_DOT) {
      ex.dotChunks(
        at(slots.X0), at(slots.X1), ctrl[slots.X2], ctrl[slots.LO], ctrl[slots.HI],
        at(slots.X3) + ctrl[slots.LO] * 8,
      );
    } else {
      throw new Error('unknown job kind ' + kind);
    }
  };
  let calmAfter = 0;
  let last = Atomics.load(ctrl, slots.SEQ);
  post({ ready: true });
  for (;;) {
    // Spin (the next job usually follows within microseconds), then block in bounded waits
    // so that an idle worker costs no CPU. A gap between two looks at the clock means this
    // thread was descheduled: the core is contended (perhaps by the main thread), and
    // spinning on would take time from the thread that has work, so it blocks at once.
    // After such a gap it does not spin for a while (contendedMilliseconds): a woken thread
    // gets a core sooner than a spinning one that was descheduled. The heartbeat tells the
    // main thread, which takes unclaimed parts itself, that this thread is still alive.
    let clock = performance.now();
    const spinUntil = clock < calmAfter ? clock : clock + spinMicroseconds / 1000;
    let spins = 0;
    while (Atomics.load(ctrl, slots.SEQ) === last) {
      if ((++spins & 255) !== 0) continue;
      Atomics.add(ctrl, slots.HEARTBEAT, 1);
      const now = performance.now();
      if (now - clock > preemptedMilliseconds) calmAfter = now + contendedMilliseconds;
      clock = now;
      if (now > spinUntil || now < calmAfter) {
        // Say so before the last look at SEQ: a job published after that look sees the flag
        // and notifies (both are sequentially consistent), one published before it is seen
        // here, and Atomics.wait itself returns at once if SEQ has changed meanwhile.
        Atomics.store(ctrl, slots.SLEEPING, 1);
        while (Atomics.load(ctrl, slots.SEQ) === last) {
          Atomics.wait(ctrl, slots.SEQ, last, 50);
          Atomics.add(ctrl, slots.HEARTBEAT, 1);
        }
        Atomics.store(ctrl, slots.SLEEPING, 0);
      }
    }
    last = Atomics.load(ctrl, slots.SEQ);
    if (Atomics.load(ctrl, slots.STOP) !== 0) return;
    while (Atomics.load(ctrl, slots.HOLD) !== 0) {
      Atomics.wait(ctrl, slots.HOLD, 1, 50);
      Atomics.add(ctrl, slots.HEARTBEAT, 1);
    }
    // Claim the part, unless the main thread took it already (it does not wait for a worker
    // that has not started): then there is nothing to do, and no DONE to store.
    const claimed = Atomics.load(ctrl, slots.CLAIM);
    if (claimed === last || Atomics.compareExchange(ctrl, slots.CLAIM, claimed, last) !== claimed) {
      continue;
    }
    try {
      job();
    } catch (error) {
      Atomics.store(ctrl, slots.FAILED, 1);
      post({ error: String(error) });
    }
    Atomics.store(ctrl, slots.DONE, last);
    if (Atomics.load(ctrl, slots.MAIN_WAITING) !== 0) Atomics.notify(ctrl, slots.DONE);
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
