import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKernels, sharedWasmUrl, wasmUrl } from './loader.js';
import type { GemmOptions } from './types.js';
import type { WasmKernels } from './wasm-kernels.js';

/** A small deterministic generator (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  options: GemmOptions;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

/** Random shapes with odd edges (not multiples of the 4 × 8 tile), all transposes, α and β. */
function cases(count: number): Case[] {
  const next = random(12);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const fill = (n: number) => Float32Array.from({ length: n }, () => next() * 2 - 1);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    // Alternate wide and tall products so both split directions (columns, rows) are taken,
    // and keep some below the size that is split at all.
    const wide = i % 2 === 0;
    const m = i % 5 === 4 ? int(1, 9) : wide ? int(1, 70) : int(33, 301);
    const n = i % 5 === 4 ? int(1, 9) : wide ? int(33, 301) : int(1, 70);
    const k = int(1, 700);
    const betas = [0, 1, 0.5];
    const options: GemmOptions = {
      m,
      n,
      k,
      transA: next() < 0.5,
      transB: next() < 0.5,
      alpha: i % 7 === 6 ? 0 : next() < 0.5 ? 1 : 0.75,
      beta: betas[i % 3] as number,
    };
    out.push({ options, a: fill(m * k), b: fill(k * n), c: fill(m * n) });
  }
  return out;
}

function product(kernels: WasmKernels, item: Case): Uint32Array {
  const a = kernels.allocFrom(item.a);
  const b = kernels.allocFrom(item.b);
  const c = kernels.allocFrom(item.c);
  kernels.gemm(a, b, c, item.options);
  const bits = new Uint32Array(Float32Array.from(c.view).buffer);
  a.free();
  b.free();
  c.free();
  return bits;
}

describe('threads: GEMM split across worker threads', () => {
  const loaded: WasmKernels[] = [];
  let one: WasmKernels;
  let two: WasmKernels;
  let three: WasmKernels;

  beforeAll(async () => {
    one = await loadKernels({ threads: 1 });
    two = await loadKernels({ threads: 2 });
    three = await loadKernels({ threads: 3 });
    loaded.push(one, two, three);
  });

  afterAll(async () => {
    await Promise.all(loaded.map((kernels) => kernels.close()));
  });

  it('threads: 1 is the single-threaded build; 2 and 3 start workers', () => {
    expect(one.threads).toBe(1);
    expect(one.pool).toBeUndefined();
    expect(two.threads).toBe(2);
    expect(three.threads).toBe(3);
    expect(two.pool?.workers.length).toBe(1);
    expect(three.pool?.workers.length).toBe(2);
  });

  it('gives bit-identical products on 1, 2 and 3 threads over random shapes', () => {
    for (const item of cases(60)) {
      const expected = product(one, item);
      const label = JSON.stringify(item.options);
      expect(product(two, item), label).toEqual(expected);
      expect(product(three, item), label).toEqual(expected);
    }
  });

  it('runs the epilogue (bias, then ReLU) inside the product bit for bit as biasAdd and relu after it, on 1, 2 and 3 threads', () => {
    const next = random(31);
    for (const [index, item] of cases(40).entries()) {
      const { m, n } = item.options;
      // Biases with zeros, negatives and a NaN now and then (ReLU maps NaN to 0).
      const biasValues = Float32Array.from({ length: n }, (_, j) =>
        index % 9 === 8 && j === 0 ? Number.NaN : j % 5 === 0 ? 0 : next() * 2 - 1,
      );
      const activation = index % 3 === 2 ? 'none' : 'relu';
      const separate = (() => {
        const a = one.allocFrom(item.a);
        const b = one.allocFrom(item.b);
        const c = one.allocFrom(item.c);
        const bias = one.allocFrom(biasValues);
        one.gemm(a, b, c, item.options);
        one.biasAdd(c, bias, m, n);
        if (activation === 'relu') one.relu(c, c, m * n);
        const bits = new Uint32Array(Float32Array.from(c.view).buffer);
        for (const buffer of [a, b, c, bias]) buffer.free();
        return bits;
      })();
      for (const kernels of [one, two, three]) {
        const a = kernels.allocFrom(item.a);
        const b = kernels.allocFrom(item.b);
        const c = kernels.allocFrom(item.c);
        const bias = kernels.allocFrom(biasValues);
        kernels.gemm(a, b, c, { ...item.options, bias, activation });
        const bits = new Uint32Array(Float32Array.from(c.view).buffer);
        for (const buffer of [a, b, c, bias]) buffer.free();
        expect(bits, `${kernels.threads} threads, ${JSON.stringify(item.options)}`).toEqual(
          separate,
        );
      }
    }
    // ReLU without a bias.
    const item = cases(1)[0] as Case;
    const a = three.allocFrom(item.a);
    const b = three.allocFrom(item.b);
    const c = three.allocFrom(item.c);
    three.gemm(a, b, c, { ...item.options, activation: 'relu' });
    const fused = Float32Array.from(c.view);
    three.gemm(a, b, c, item.options);
    three.relu(c, c, item.options.m * item.options.n);
    expect(fused).toEqual(Float32Array.from(c.view));
  });

  it('splits the MLP products (forward and the three backward products) identically', () => {
    const next = random(5);
    const fill = (n: number) => Float32Array.from({ length: n }, () => next() - 0.5);
    const shapes: GemmOptions[] = [
      { m: 128, n: 256, k: 784 },
      { m: 128, n: 10, k: 256 },
      { m: 256, n: 10, k: 128, transA: true },
      { m: 784, n: 256, k: 128, transA: true },
      { m: 128, n: 256, k: 10, transB: true },
    ];
    for (const options of shapes) {
      const item = {
        options,
        a: fill(options.m * options.k),
        b: fill(options.k * options.n),
        c: fill(options.m * options.n),
      };
      expect(product(two, item)).toEqual(product(one, item));
      expect(product(three, item)).toEqual(product(one, item));
    }
  });

  it('splits the updates by element ranges and the reductions by chunks identically (heavy ball and its terms, momentum, Adam, Lion, Schedule-Free SGD and AdamW, sumOfSquares, dot)', () => {
    const next = random(21);
    const fill = (n: number, scale: number) =>
      Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
    const bitsOf = (buffer: { view: Float32Array }) =>
      Array.from(new Uint32Array(Float32Array.from(buffer.view).buffer));
    // Below the split size, around the 4096-element telemetry chunks and the 16-element part
    // bounds, and sizes with every tail of the four-lane body.
    const sizes = [1, 3, 4097, 16383, 16384, 16385, 20011, 65536 + 13, 100_003, 203_530];
    for (const n of sizes) {
      const w = fill(n, 2);
      const s1 = fill(n, 0.1);
      const s2 = Float32Array.from(fill(n, 0.01), Math.abs);
      const g = fill(n, 3);
      const run = (kernels: WasmKernels) => {
        const buffers = [w, s1, s2, g].map((values) => kernels.allocFrom(values));
        const [wb, ab, bb, gb] = buffers as [
          (typeof buffers)[0],
          (typeof buffers)[0],
          (typeof buffers)[0],
          (typeof buffers)[0],
        ];
        const out: unknown[] = [];
        out.push(
          kernels.heavyBall(wb, ab, gb, n, {
            learningRate: 0.0159,
            momentum: 0.874,
            telemetry: true,
          }),
        );
        out.push(
          kernels.heavyBall(wb, ab, gb, n, { learningRate: 0.03, momentum: 0.5, telemetry: false }),
        );
        kernels.momentumUpdate(wb, ab, gb, n, {
          learningRate: 0.01,
          momentum: 0.9,
          nesterov: n % 2 === 1,
        });
        kernels.adam(wb, ab, bb, gb, n, {
          learningRate: 1e-3,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          step: 7,
          weightDecay: n % 3 === 0 ? 0 : 0.01,
        });
        // The f64 kernels of Lion and Schedule-Free (x is a fifth buffer, a copy of w).
        const xb = kernels.allocFrom(w);
        kernels.lionUpdate(wb, ab, gb, n, {
          learningRate: 1e-4,
          beta1: 0.9,
          beta2: 0.99,
          weightDecay: n % 3 === 0 ? 0 : 0.01,
        });
        kernels.scheduleFreeSgdUpdate(wb, ab, xb, gb, n, {
          learningRate: 0.5,
          momentum: 0.9,
          averaging: 1 / 3,
          weightDecay: n % 2 === 0 ? 0 : 0.01,
        });
        kernels.scheduleFreeAdamWUpdate(wb, ab, xb, bb, gb, n, {
          learningRate: 0.0025,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          step: 4,
          averaging: 0.25,
          weightDecay: n % 3 === 1 ? 0 : 0.01,
        });
        buffers.push(xb);
        out.push(kernels.sumOfSquares(gb, n), kernels.dot(wb, gb, n), kernels.sumOfSquares(wb, n));
        out.push(buffers.map(bitsOf));
        for (const buffer of buffers) buffer.free();
        return out;
      };
      const expected = run(one);
      expect(run(two), `n = ${n}`).toEqual(expected);
      expect(run(three), `n = ${n}`).toEqual(expected);
    }
  });

  it('takes back the parts no worker has claimed (workers held): products, updates and reductions stay bit-identical, and the pool counts them', () => {
    const pool = three.pool;
    if (pool === undefined) throw new Error('three threads have a pool');
    const n = 100_003;
    const values = Float32Array.from({ length: n }, (_, i) => Math.cos(i) * 0.5);
    const steps = (kernels: WasmKernels) => {
      const out: unknown[] = cases(16).map((item) => product(kernels, item));
      const w = kernels.allocFrom(values);
      const d = kernels.allocFrom(values);
      const g = kernels.allocFrom(values);
      const v = kernels.allocFrom(Float32Array.from(values, Math.abs));
      for (let step = 0; step < 3; step++) {
        out.push(
          kernels.heavyBall(w, d, g, n, { learningRate: 0.01, momentum: 0.9, telemetry: true }),
        );
      }
      kernels.adam(w, d, v, g, n, {
        learningRate: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        step: 2,
        weightDecay: 0,
      });
      kernels.lionUpdate(w, d, g, n, { learningRate: 1e-4, beta1: 0.9, beta2: 0.99 });
      const x = kernels.allocFrom(values);
      kernels.scheduleFreeAdamWUpdate(w, d, x, v, g, n, {
        learningRate: 0.0025,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        step: 2,
        averaging: 0.5,
      });
      kernels.scheduleFreeSgdUpdate(w, d, x, g, n, {
        learningRate: 0.1,
        momentum: 0.9,
        averaging: 0.5,
      });
      out.push(Array.from(x.view), Array.from(d.view), Array.from(v.view));
      x.free();
      out.push(kernels.sumOfSquares(w, n), kernels.dot(w, d, n), Array.from(w.view));
      for (const buffer of [w, d, g, v]) buffer.free();
      return out;
    };
    const expected = steps(one);
    const before = pool.stats;
    pool.holdWorkers(true);
    try {
      expect(steps(three)).toEqual(expected);
    } finally {
      pool.holdWorkers(false);
    }
    const held = pool.stats;
    // Every part handed out while the workers were held was computed by the main thread.
    expect(held.handed - before.handed).toBeGreaterThan(20);
    expect(held.taken - before.taken).toBe(held.handed - before.handed);
    // Released, the workers claim parts again and the results are the same.
    expect(steps(three)).toEqual(expected);
  });

  it('stays bit-identical and finishes when oversubscribed (4 threads per core: spinning threads get descheduled and block instead)', async () => {
    const many = await loadKernels({ threads: Math.min(8, availableParallelism() * 4) });
    try {
      const started = performance.now();
      for (const item of cases(12)) {
        expect(product(many, item), JSON.stringify(item.options)).toEqual(product(one, item));
      }
      const n = 100_003;
      const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
      const terms = (kernels: WasmKernels) => {
        const w = kernels.allocFrom(values);
        const d = kernels.allocFrom(values);
        const g = kernels.allocFrom(values);
        const options = { learningRate: 0.01, momentum: 0.9, telemetry: true };
        const out = [];
        for (let step = 0; step < 20; step++) out.push(kernels.heavyBall(w, d, g, n, options));
        out.push(kernels.sumOfSquares(w, n));
        for (const buffer of [w, d, g]) buffer.free();
        return out;
      };
      expect(terms(many)).toEqual(terms(one));
      expect(performance.now() - started).toBeLessThan(30_000);
    } finally {
      await many.close();
    }
  });

  it('keeps buffers valid and products identical after the shared memory grows', () => {
    const before = two.memoryBytes();
    const a = two.allocFrom(Float32Array.from({ length: 64 * 300 }, (_, i) => (i % 13) - 6));
    const b = two.allocFrom(Float32Array.from({ length: 300 * 96 }, (_, i) => (i % 7) - 3));
    const big = two.alloc(16 * 1024 * 1024); // 64 MiB: the memory must grow
    expect(two.memoryBytes()).toBeGreaterThan(before);
    const c = two.alloc(64 * 96);
    two.gemm(a, b, c, { m: 64, n: 96, k: 300 });
    const item = { options: { m: 64, n: 96, k: 300 }, a: a.view, b: b.view, c: c.view };
    const expected = product(one, { ...item, c: new Float32Array(64 * 96) });
    expect(new Uint32Array(Float32Array.from(c.view).buffer)).toEqual(expected);
    for (const buffer of [a, b, big, c]) buffer.free();
  });
});

describe('threads: bad input and failures', () => {
  it('refuses thread counts outside [1, 4 × available parallelism], naming the range', async () => {
    const most = availableParallelism() * 4;
    for (const threads of [0, -1, 1.5, most + 1, Number.NaN]) {
      await expect(loadKernels({ threads })).rejects.toThrow(
        new RangeError(
          `loadKernels: "threads" must be 'auto' or a whole number from 1 to ${most} (4 × the ${availableParallelism()} available cores); got ${String(threads)}`,
        ),
      );
    }
    await expect(loadKernels({ threads: 'many' as unknown as number })).rejects.toThrow(
      /got 'many'/,
    );
  });

  it("'auto' uses the available parallelism", async () => {
    const kernels = await loadKernels({ threads: 'auto' });
    expect(kernels.threads).toBe(availableParallelism());
    await kernels.close();
  });

  it('refuses the single-threaded build for threads > 1, and says which build it needs', async () => {
    const bytes = await readFile(wasmUrl);
    await expect(loadKernels({ threads: 2, bytes })).rejects.toThrow(
      /needs the shared-memory build dualphi-core-shared\.wasm/,
    );
    const shared = await readFile(sharedWasmUrl);
    const kernels = await loadKernels({ threads: 2, bytes: shared });
    expect(kernels.threads).toBe(2);
    await kernels.close();
  });

  it('says so when the environment has no shared memory (and threads: 1 still loads)', async () => {
    const scope = globalThis as { SharedArrayBuffer?: unknown };
    const saved = scope.SharedArrayBuffer;
    delete scope.SharedArrayBuffer;
    try {
      await expect(loadKernels({ threads: 2 })).rejects.toThrow(
        'loadKernels: threads: 2 needs shared memory (SharedArrayBuffer), which this JavaScript environment does not provide; use threads: 1',
      );
      expect((await loadKernels({ threads: 1 })).threads).toBe(1);
    } finally {
      scope.SharedArrayBuffer = saved;
    }
  });

  it('refuses products after close()', async () => {
    const kernels = await loadKernels({ threads: 2 });
    const a = kernels.alloc(64 * 64);
    await kernels.close();
    expect(kernels.unusable).toBe('closed');
    expect(() => kernels.gemm(a, a, kernels.alloc(64 * 64), { m: 64, n: 64, k: 64 })).toThrow(
      'kernels unusable: they were closed; load new kernels',
    );
  });

  it('refuses a non-positive threadTimeoutMs', async () => {
    await expect(loadKernels({ threads: 2, threadTimeoutMs: 0 })).rejects.toThrow(
      /"threadTimeoutMs" must be a positive number/,
    );
  });

  it('fails a product whose worker was terminated, without hanging, and says the kernels are unusable', async () => {
    const kernels = await loadKernels({ threads: 2, threadTimeoutMs: 300 });
    const a = kernels.alloc(128 * 784);
    const b = kernels.alloc(784 * 256);
    const c = kernels.alloc(128 * 256);
    kernels.gemm(a, b, c, { m: 128, n: 256, k: 784 }); // the pool works
    // Termination is requested now and lands while the worker spins for, or runs, its part.
    void kernels.pool?.workers[0]?.terminate();
    const started = performance.now();
    let message = '';
    try {
      for (let i = 0; i < 1000; i++) kernels.gemm(a, b, c, { m: 128, n: 256, k: 784 });
    } catch (error) {
      message = (error as Error).message;
    }
    // The worker dies while it runs a part it claimed, or before it claims one.
    expect(message).toMatch(
      /worker 1 of 1 (did not finish its part of the product in time|stopped answering: no sign of it for \d+ ms while its parts of the product waited) \(it died or was terminated\)/,
    );
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(kernels.unusable).toMatch(/worker 1/);
    expect(() => kernels.gemm(a, b, c, { m: 128, n: 256, k: 784 })).toThrow(
      /kernels unusable: worker 1/,
    );
    await kernels.close();
  });

  it('fails an update whose worker was terminated, without hanging, and says the kernels are unusable', async () => {
    const kernels = await loadKernels({ threads: 2, threadTimeoutMs: 300 });
    const n = 200_000;
    const w = kernels.alloc(n);
    const d = kernels.alloc(n);
    const g = kernels.alloc(n);
    const options = { learningRate: 0.01, momentum: 0.9, telemetry: true };
    kernels.heavyBall(w, d, g, n, options); // the pool works
    void kernels.pool?.workers[0]?.terminate();
    const started = performance.now();
    let message = '';
    try {
      for (let i = 0; i < 100_000; i++) kernels.heavyBall(w, d, g, n, options);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^heavyBall: worker 1 of 1 (did not finish its part of the update in time|stopped answering: no sign of it for \d+ ms while its parts of the update waited) \(it died or was terminated\); these kernels are unusable now/,
    );
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(kernels.unusable).toMatch(/worker 1/);
    expect(() => kernels.momentumUpdate(w, d, g, n, { learningRate: 0.1, momentum: 0.5 })).toThrow(
      /kernels unusable: worker 1/,
    );
    await kernels.close();
  });

  it('lets a Node process exit by itself while its idle workers wait (built package)', async () => {
    const entry = new URL('../dist/index.js', import.meta.url);
    if (!existsSync(entry)) throw new Error('dist/index.js is missing: run the build first');
    const script = `const m = await import(${JSON.stringify(entry.href)});
      const k = await m.loadKernels({ threads: 2 });
      const a = k.alloc(128 * 784), b = k.alloc(784 * 256), c = k.alloc(128 * 256);
      k.gemm(a, b, c, { m: 128, n: 256, k: 784 });
      console.log('threads', k.threads);`;
    const started = performance.now();
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { timeout: 20_000 },
        (error, out) => (error ? reject(error) : resolve(out)),
      );
    });
    expect(stdout.trim()).toBe('threads 2');
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
