/**
 * A pool of GEMM worker threads over one shared linear memory (Node `worker_threads`, or Web
 * Workers in a cross-origin-isolated browser page).
 *
 * Each product is split into regions of C by whole micro-kernel panels; the main thread
 * computes the first region, each worker one of the others, all in the same memory. Every
 * element of C is computed by exactly one thread with the same arithmetic as the
 * single-threaded `gemm` (assembly/gemm.ts, `gemmRegion`), so results are bit-identical
 * whatever the thread count.
 *
 * The main thread never waits for a worker that has not started its part: once its own part
 * is done it claims and computes every part still unclaimed (protocol.ts, CLAIM), so a worker
 * that has not started — descheduled, asleep, or its core busy with another process — costs
 * at most the time one thread would have taken, not a wait for the scheduler (on a busy
 * 2-core machine such waits made 2-thread epochs several times slower than 1-thread ones). A
 * worker descheduled after it claimed its part is still waited for: a part is not split again.
 *
 * Every wait is bounded: a worker that does not finish a part it claimed within the deadline,
 * or that shows no sign of life (protocol.ts, HEARTBEAT) for the timeout while its parts go
 * unclaimed (it died, or was terminated), fails the call with a message, and the pool marks
 * itself broken so later calls fail at once instead of waiting again.
 */
import * as slot from './protocol.js';
import { BROWSER_WORKER_SOURCE, WORKER_SOURCE } from './worker-source.js';

/** The exports of the shared build the pool calls on the main thread. */
export interface RegionExports {
  gemmRegion(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    b: number,
    beta: number,
    c: number,
    i0: number,
    i1: number,
    j0: number,
    j1: number,
    pack: number,
    edge: number,
    bias: number,
    relu: number,
  ): void;
  gemmPackBytes(rows: number, cols: number, k: number): number;
}

/** What the pool needs from the instance's allocator (blocks it keeps for its lifetime). */
export interface PoolHeap {
  allocBytes(bytes: number): number;
  freeBytes(ptr: number): void;
  readonly memory: WebAssembly.Memory;
}

/** Options of {@link GemmPool.start}. */
export interface GemmPoolOptions {
  /** Total threads including the main thread (≥ 2). */
  threads: number;
  /** The compiled shared build (sent to each worker). */
  module: WebAssembly.Module;
  /** Milliseconds a product waits for its workers beyond its expected time (default 5000). */
  timeoutMs?: number;
  /** How long an idle worker spins before blocking, in µs (default {@link SPIN_MICROSECONDS}). */
  spinMicroseconds?: number;
}

/** Rows and columns of the micro-kernel tile (assembly/gemm.ts MR, NR). */
const MR = 4;
const NR = 8;
/**
 * Products below this many multiply-adds (about 10 µs of work on one core) run on the main
 * thread alone: a hand-off costs microseconds, and more when the other core is busy.
 */
const MIN_SPLIT_WORK = 1 << 18;
/**
 * How long an idle worker spins before it blocks, in µs: longer than the main thread's longest
 * stretch of work between two products of a training step (the update, the gradient check and
 * the next batch's gathering, a few hundred µs), so that within a run the workers never sleep;
 * waking one costs far more than the spin (see protocol.ts, SLEEPING).
 */
export const SPIN_MICROSECONDS = 2000;
/**
 * A gap this long (µs) between two looks at the clock in a spin loop means the spinning thread
 * was descheduled, i.e. its core is contended: the thread stops spinning and blocks, so that it
 * does not take the core from a thread that has work (on a loaded machine a spinning worker
 * and the main thread can share one core). A spin loop looks every microsecond or so.
 */
const PREEMPTED_MICROSECONDS = 200;
/**
 * After a thread found its core contended it blocks rather than spins for this long (ms): a
 * woken thread gets a core sooner than a spinning one that was descheduled. The workers use
 * the same span (it is sent to them).
 */
const CONTENDED_MILLISECONDS = 20;
/** Wait for workers to report ready (instantiation of the module). */
const START_TIMEOUT_MS = 30_000;

/** How a failure names a job: the kernel called, and what the threads were computing. */
export interface JobName {
  /** The kernel, e.g. 'gemm' or 'heavyBall'. */
  readonly caller: string;
  /** What its threads compute, e.g. 'product' or 'update'. */
  readonly noun: string;
}

const GEMM_JOB: JobName = { caller: 'gemm', noun: 'product' };

/** A worker thread as the pool sees it, over Node `worker_threads` or a browser's Web Worker. */
export interface PoolWorker {
  /** Stops the thread. */
  terminate(): Promise<unknown>;
  /** Lets the process exit while the thread waits (Node; a no-op in browsers). */
  unref(): void;
  /** Listens for messages, errors and (Node only) the thread's exit. */
  on(event: 'message' | 'error' | 'exit', listener: (value: never) => void): void;
  /** Listens once. */
  once(event: 'message' | 'error', listener: (value: never) => void): void;
}

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

interface BrowserWorker {
  postMessage(value: unknown): void;
  terminate(): void;
  addEventListener(
    event: string,
    listener: (event: { data?: unknown; message?: string }) => void,
    options?: { once?: boolean },
  ): void;
}

/** Starts one worker running `source` with `data`: Node worker_threads, or a Web Worker. */
async function spawnWorker(data: Record<string, unknown>): Promise<PoolWorker> {
  if (isNode()) {
    // A computed specifier keeps bundlers from resolving a Node built-in for browser builds.
    const specifier = 'node:worker_threads';
    const { Worker } = (await import(/* @vite-ignore */ specifier)) as {
      Worker: new (source: string, options: object) => PoolWorker;
    };
    return new Worker(WORKER_SOURCE, { eval: true, workerData: data });
  }
  const scope = globalThis as unknown as {
    Worker: new (url: string) => BrowserWorker;
    URL: typeof URL;
    Blob: typeof Blob;
  };
  const url = scope.URL.createObjectURL(
    new scope.Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }),
  );
  const worker = new scope.Worker(url);
  scope.URL.revokeObjectURL(url);
  worker.postMessage(data);
  const add = (event: string, listener: (value: never) => void, once: boolean) => {
    if (event === 'exit') return; // Web Workers report no exit; a lost worker times out.
    worker.addEventListener(
      event,
      (e) =>
        (listener as (value: unknown) => void)(
          event === 'message' ? e.data : new Error(e.message ?? 'worker error'),
        ),
      { once },
    );
  };
  return {
    terminate: async () => worker.terminate(),
    unref: () => {},
    on: (event, listener) => add(event, listener, false),
    once: (event, listener) => add(event, listener, true),
  };
}

/**
 * Whether the calling thread may block in `Atomics.wait`: a browser page's main thread throws
 * (before comparing values), workers and Node may. The probe expects a value the slot does
 * not hold, so it returns at once where waiting is allowed.
 */
function canBlock(ctrl: Int32Array): boolean {
  try {
    Atomics.wait(ctrl, slot.STOP, (Atomics.load(ctrl, slot.STOP) + 1) | 0, 0);
    return true;
  } catch {
    return false;
  }
}

const f32Bits = new Int32Array(1);
const f32View = new Float32Array(f32Bits.buffer);
function bitsOf(value: number): number {
  f32View[0] = value;
  return f32Bits[0] as number;
}

/**
 * A GEMM job: `gemmRegion`'s arguments (transA, transB, m, n, k, α, a, b, β, c, i0, i1, j0,
 * j1, pack, edge, bias, relu).
 */
type RegionJob = number[];

/** Writes a GEMM job into a worker's slots (α and β as f32 bit patterns). */
function publishGemm(ctrl: Int32Array, base: number, job: RegionJob): void {
  ctrl[base + slot.KIND] = slot.JOB_GEMM;
  slot.GEMM_ARGUMENTS.forEach((index, i) => {
    const value = job[i] as number;
    ctrl[base + index] = i === 5 || i === 8 ? bitsOf(value) : value;
  });
}

/** What the pool did since it started (for benchmarks and tests). */
export interface PoolStats {
  /** Parts handed to workers. */
  readonly handed: number;
  /** Of those, parts the main thread computed itself because no worker had claimed them. */
  readonly taken: number;
}

/** The GEMM worker pool of one shared-memory instance. */
export class GemmPool {
  /** Total threads, the main thread included. */
  readonly threads: number;
  readonly #raw: RegionExports;
  readonly #heap: PoolHeap;
  readonly #workers: PoolWorker[];
  readonly #control: number;
  readonly #timeoutMs: number;
  #ctrl: Int32Array;
  #f64: Float64Array;
  #seq = 0;
  #scratch = 0;
  #scratchBytes = 0;
  #packs: number[] = [];
  #packBytes = 0;
  readonly #edges: number[];
  #broken: string | undefined;
  /** Until when (performance.now()) joins block at once: a join found its core contended. */
  #contendedUntil = 0;
  /** Whether this thread may block in Atomics.wait (a browser page's main thread may not). */
  readonly #canBlock: boolean;
  /** Per worker: the last heartbeat seen when taking its part, and when it was first seen. */
  readonly #seen: { beat: number; at: number }[];
  #handed = 0;
  #taken = 0;
  /** 1 for each worker whose part of the current job the main thread took (#take). */
  readonly #took: Uint8Array;

  private constructor(
    raw: RegionExports,
    heap: PoolHeap,
    workers: PoolWorker[],
    control: number,
    timeoutMs: number,
    threads: number,
  ) {
    this.#raw = raw;
    this.#heap = heap;
    this.#workers = workers;
    this.#control = control;
    this.#timeoutMs = timeoutMs;
    this.threads = threads;
    this.#ctrl = new Int32Array(heap.memory.buffer, control, slot.SLOTS * (threads - 1));
    this.#f64 = new Float64Array(heap.memory.buffer, control, (slot.SLOTS * (threads - 1)) / 2);
    this.#edges = Array.from({ length: threads }, () => heap.allocBytes(MR * NR * 4));
    this.#canBlock = canBlock(this.#ctrl);
    this.#seen = workers.map(() => ({ beat: -1, at: 0 }));
    this.#took = new Uint8Array(threads);
    workers.forEach((worker, index) => {
      worker.on('message', (message: { error?: string }) => {
        if (message.error !== undefined)
          this.#break(`worker ${index + 1} failed: ${message.error}`);
      });
      worker.on('error', (error: Error) => {
        this.#break(`worker ${index + 1} failed: ${error.message}`);
      });
      worker.on('exit', (code: number) => {
        this.#break(`worker ${index + 1} exited (code ${code})`);
      });
      // Idle workers block in Atomics.wait; they must not keep the process alive. (After the
      // listeners: adding a 'message' listener refs the worker again.)
      worker.unref();
    });
  }

  /**
   * Starts `threads − 1` workers over the instance's shared memory and waits until each has
   * instantiated the module.
   */
  static async start(
    raw: RegionExports,
    heap: PoolHeap,
    options: GemmPoolOptions,
  ): Promise<GemmPool> {
    const { threads, module } = options;
    const control = heap.allocBytes(slot.SLOTS * 4 * (threads - 1));
    // The slot numbers (the worker program names them by these keys); the argument table
    // stays here, the worker's call lists the slots itself.
    const { GEMM_ARGUMENTS: _table, ...numbers } = slot;
    const slots: Record<string, number> = numbers;
    const workers: PoolWorker[] = [];
    try {
      const ready: Promise<void>[] = [];
      for (let index = 0; index < threads - 1; index++) {
        const worker = await spawnWorker({
          module,
          memory: heap.memory,
          control,
          index,
          slots,
          spinMicroseconds: options.spinMicroseconds ?? SPIN_MICROSECONDS,
          preemptedMicroseconds: PREEMPTED_MICROSECONDS,
          contendedMilliseconds: CONTENDED_MILLISECONDS,
        });
        workers.push(worker);
        ready.push(
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () =>
                reject(
                  new Error(`worker ${index + 1} did not start within ${START_TIMEOUT_MS} ms`),
                ),
              START_TIMEOUT_MS,
            );
            worker.once('message', () => {
              clearTimeout(timer);
              resolve();
            });
            worker.once('error', (error: Error) => {
              clearTimeout(timer);
              reject(new Error(`worker ${index + 1} failed to start: ${error.message}`));
            });
          }),
        );
      }
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      heap.freeBytes(control);
      throw error;
    }
    return new GemmPool(raw, heap, workers, control, options.timeoutMs ?? 5000, threads);
  }

  /** Why the pool cannot be used any more, or undefined while it can. */
  get broken(): string | undefined {
    return this.#broken;
  }

  #break(reason: string): void {
    this.#broken ??= reason;
  }

  #slots(): Int32Array {
    if (this.#ctrl.buffer !== this.#heap.memory.buffer) {
      const buffer = this.#heap.memory.buffer;
      this.#ctrl = new Int32Array(buffer, this.#control, this.#ctrl.length);
      this.#f64 = new Float64Array(buffer, this.#control, this.#f64.length);
    }
    return this.#ctrl;
  }

  #usable(): void {
    if (this.#broken !== undefined) {
      const why = this.#broken === 'closed' ? 'they were closed' : this.#broken;
      throw new Error(`kernels unusable: ${why}; load new kernels`);
    }
  }

  /** The shared memory's current buffer (for views of what the threads wrote). */
  memoryBuffer(): ArrayBufferLike {
    return this.#heap.memory.buffer;
  }

  /**
   * A block of at least `bytes` bytes the pool keeps (and grows) for results the threads
   * write, such as each chunk's sums of a split update. Valid until the next call.
   */
  scratch(bytes: number): number {
    if (bytes > this.#scratchBytes) {
      if (this.#scratch !== 0) this.#heap.freeBytes(this.#scratch);
      this.#scratch = 0;
      this.#scratch = this.#heap.allocBytes(bytes);
      this.#scratchBytes = bytes;
    }
    return this.#scratch;
  }

  /**
   * Runs a job over `units` work units (elements or chunks) split across the threads in parts
   * whose bounds are multiples of `granule`: each worker's part is published by `publish`
   * (which writes the job's slots but LO, HI and SEQ), the first part runs on the main thread
   * by `runMain(lo, hi)`. Each unit is computed by one thread, with the arithmetic of one call
   * over the whole range, so results are bit-identical whatever the thread count. Below
   * `minUnits` units the whole range runs on the main thread. `work` (about the number of
   * element operations) sets the deadline; `job` names it in a failure.
   */
  split(
    units: number,
    granule: number,
    minUnits: number,
    work: number,
    job: JobName,
    publish: (ctrl: Int32Array, f64: Float64Array, base: number) => void,
    runMain: (lo: number, hi: number) => void,
  ): void {
    this.#usable();
    const granules = Math.ceil(units / granule);
    const parts = units < minUnits ? 1 : Math.min(this.threads, granules);
    const perPart = Math.ceil(granules / parts) * granule;
    const ctrl = this.#slots();
    const seq = ++this.#seq | 0;
    let handed = 0;
    for (let t = 1; t < parts; t++) {
      const lo = t * perPart;
      if (lo >= units) break;
      const base = (t - 1) * slot.SLOTS;
      publish(ctrl, this.#f64, base);
      ctrl[base + slot.LO] = lo;
      ctrl[base + slot.HI] = Math.min(units, lo + perPart);
      this.#handOff(ctrl, base, seq);
      handed = t;
    }
    runMain(0, Math.min(units, perPart));
    for (let t = 1; t <= handed; t++) {
      if (this.#take(ctrl, t, seq, job)) runMain(t * perPart, Math.min(units, (t + 1) * perPart));
    }
    if (handed > 0) this.#join(ctrl, seq, handed, work, job);
  }

  /**
   * Publishes job `seq` to the worker whose slots start at `base`. The store publishes the
   * arguments written before it (Atomics are sequentially consistent); a worker that spins
   * sees it within a fraction of a microsecond, one that sleeps is woken.
   */
  #handOff(ctrl: Int32Array, base: number, seq: number): void {
    this.#handed++;
    this.#took[base / slot.SLOTS + 1] = 0;
    Atomics.store(ctrl, base + slot.SEQ, seq);
    if (Atomics.load(ctrl, base + slot.SLEEPING) !== 0) Atomics.notify(ctrl, base + slot.SEQ);
  }

  /**
   * Claims worker t's part of job `seq` for the main thread if the worker has not claimed it:
   * true when the main thread must compute it (and the join then skips it). A worker whose
   * heartbeat has not moved for the timeout while its part goes unclaimed has died or been
   * terminated: the pool breaks and the call fails.
   */
  #take(ctrl: Int32Array, t: number, seq: number, job: JobName): boolean {
    const base = (t - 1) * slot.SLOTS;
    const claimed = Atomics.load(ctrl, base + slot.CLAIM);
    if (claimed === seq) return false;
    if (Atomics.compareExchange(ctrl, base + slot.CLAIM, claimed, seq) !== claimed) return false;
    this.#taken++;
    this.#took[t] = 1;
    const beat = Atomics.load(ctrl, base + slot.HEARTBEAT);
    const seen = this.#seen[t - 1] as { beat: number; at: number };
    const now = performance.now();
    if (beat !== seen.beat) {
      seen.beat = beat;
      seen.at = now;
    } else if (now - seen.at > this.#timeoutMs) {
      this.#break(`worker ${t} stopped answering (it died or was terminated)`);
      throw new Error(
        `${job.caller}: worker ${t} of ${this.threads - 1} stopped answering: no sign of it for ${Math.round(now - seen.at)} ms while its parts of the ${job.noun} waited (it died or was terminated); these kernels are unusable now, load new kernels`,
      );
    }
    return true;
  }

  /** What the pool did since it started: parts handed to workers, and those taken back. */
  get stats(): PoolStats {
    return { handed: this.#handed, taken: this.#taken };
  }

  /**
   * For tests: while `on`, the workers wait before claiming a part, so the main thread takes
   * every part itself (the path a descheduled or sleeping worker leads to).
   */
  holdWorkers(on: boolean): void {
    const ctrl = this.#slots();
    for (let t = 1; t < this.threads; t++) {
      const base = (t - 1) * slot.SLOTS;
      Atomics.store(ctrl, base + slot.HOLD, on ? 1 : 0);
      if (!on) Atomics.notify(ctrl, base + slot.HOLD);
    }
  }

  #ensurePacks(bytes: number): void {
    if (bytes <= this.#packBytes) return;
    for (const pack of this.#packs) this.#heap.freeBytes(pack);
    this.#packs = [];
    this.#packBytes = 0;
    for (let t = 0; t < this.threads; t++) this.#packs.push(this.#heap.allocBytes(bytes));
    this.#packBytes = bytes;
  }

  /**
   * C = α·op(A)·op(B) + β·C, then + bias (address ≠ 0) and ReLU (`relu` = 1), split across
   * the threads, each applying the epilogue to its own region (arguments already validated;
   * addresses in the shared memory). Small products run on the main thread alone.
   */
  gemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    b: number,
    beta: number,
    c: number,
    bias: number,
    relu: number,
  ): void {
    this.#usable();
    // Split along the dimension with more micro-kernel panels, in whole panels.
    const byColumns = Math.ceil(n / NR) >= Math.ceil(m / MR);
    const tile = byColumns ? NR : MR;
    const extent = byColumns ? n : m;
    const panels = Math.ceil(extent / tile);
    const parts = m * n * k < MIN_SPLIT_WORK ? 1 : Math.min(this.threads, panels);
    const perPart = Math.ceil(panels / parts) * tile;
    const bounds = (t: number): [number, number] => [
      Math.min(extent, t * perPart),
      Math.min(extent, (t + 1) * perPart),
    ];
    this.#ensurePacks(
      this.#raw.gemmPackBytes(
        byColumns ? m : Math.min(m, perPart),
        byColumns ? Math.min(n, perPart) : n,
        k,
      ),
    );
    const region = (t: number): [number, number, number, number] => {
      const [lo, hi] = bounds(t);
      return byColumns ? [0, m, lo, hi] : [lo, hi, 0, n];
    };
    const ctrl = this.#slots();
    const seq = ++this.#seq | 0;
    let handed = 0;
    for (let t = 1; t < parts; t++) {
      const [i0, i1, j0, j1] = region(t);
      if (i0 >= i1 || j0 >= j1) break;
      const base = (t - 1) * slot.SLOTS;
      const job: RegionJob = [transA, transB, m, n, k, alpha, a, b, beta, c, i0, i1, j0, j1];
      job.push(this.#packs[t] as number, this.#edges[t] as number, bias, relu);
      publishGemm(ctrl, base, job);
      this.#handOff(ctrl, base, seq);
      handed = t;
    }
    // The main thread's part, then every part no worker has claimed yet (same pack sizes).
    for (let t = 0; t <= handed; t++) {
      if (t > 0 && !this.#take(ctrl, t, seq, GEMM_JOB)) continue;
      const [i0, i1, j0, j1] = region(t);
      this.#raw.gemmRegion(
        transA,
        transB,
        m,
        n,
        k,
        alpha,
        a,
        b,
        beta,
        c,
        i0,
        i1,
        j0,
        j1,
        this.#packs[0] as number,
        this.#edges[0] as number,
        bias,
        relu,
      );
    }
    if (handed > 0) this.#join(ctrl, seq, handed, m * n * k, GEMM_JOB);
  }

  /**
   * Waits until workers 1..handed report job `seq` done: it spins (blocking in Atomics.wait
   * would cost tens of microseconds per job), unless it finds itself descheduled while
   * spinning — its core is contended, perhaps by the very worker it waits for — and then it
   * blocks in short waits that the worker ends by a notify. The wait is bounded by a deadline
   * that grows with the job's size (at a pessimistic 10⁸ operations per second).
   */
  #join(ctrl: Int32Array, seq: number, handed: number, work: number, job: JobName): void {
    let clock = performance.now();
    const deadline = clock + this.#timeoutMs + work / 1e5;
    // Once descheduled in a join, joins block at once for a while (the core stays contended).
    let blocking = clock < this.#contendedUntil;
    let spins = 0;
    for (let t = 1; t <= handed; t++) {
      const base = (t - 1) * slot.SLOTS;
      for (;;) {
        const done = Atomics.load(ctrl, base + slot.DONE);
        if (done === seq) break;
        // Taken by the main thread (#take): computed already, no DONE will come.
        if (this.#took[t] !== 0) break;
        if (blocking) {
          // Raised before DONE is looked at again (by Atomics.wait, which returns at once if
          // it changed): a worker that stores DONE after that look sees the flag and notifies.
          Atomics.store(ctrl, base + slot.MAIN_WAITING, 1);
          Atomics.wait(ctrl, base + slot.DONE, done, 1);
          Atomics.store(ctrl, base + slot.MAIN_WAITING, 0);
        } else if ((++spins & 1023) !== 0) {
          continue;
        }
        const now = performance.now();
        if (!blocking && now - clock > PREEMPTED_MICROSECONDS / 1000 && this.#canBlock) {
          blocking = true;
          this.#contendedUntil = now + CONTENDED_MILLISECONDS;
        }
        clock = now;
        if (now > deadline) {
          this.#break(
            `worker ${t} did not finish its part of the ${job.noun} (it died or was terminated)`,
          );
          throw new Error(
            `${job.caller}: worker ${t} of ${this.threads - 1} did not finish its part of the ${job.noun} in time (it died or was terminated); these kernels are unusable now, load new kernels`,
          );
        }
      }
      if (ctrl[base + slot.FAILED] !== 0) {
        this.#break(`worker ${t} failed during the ${job.noun}`);
        throw new Error(
          `${job.caller}: worker ${t} failed during the ${job.noun}; these kernels are unusable now`,
        );
      }
    }
  }

  /** The worker objects (for tests that terminate one). */
  get workers(): readonly PoolWorker[] {
    return this.#workers;
  }

  /** Stops the workers and frees the pool's blocks. Idempotent. */
  async close(): Promise<void> {
    if (this.#broken === 'closed') return;
    const ctrl = this.#slots();
    for (let t = 1; t < this.threads; t++) {
      const base = (t - 1) * slot.SLOTS;
      Atomics.store(ctrl, base + slot.STOP, 1);
      Atomics.store(ctrl, base + slot.HOLD, 0);
      Atomics.notify(ctrl, base + slot.HOLD);
      Atomics.add(ctrl, base + slot.SEQ, 1);
      Atomics.notify(ctrl, base + slot.SEQ);
    }
    const wasBroken = this.#broken !== undefined;
    this.#broken = 'closed';
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
    if (!wasBroken) {
      if (this.#scratch !== 0) this.#heap.freeBytes(this.#scratch);
      for (const pack of this.#packs) this.#heap.freeBytes(pack);
      for (const edge of this.#edges) this.#heap.freeBytes(edge);
      this.#heap.freeBytes(this.#control);
    }
    this.#packs = [];
  }
}
