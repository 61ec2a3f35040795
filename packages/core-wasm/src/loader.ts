/**
 * Loading `dualphi-core.wasm`: from the file shipped beside this module (Node reads it from
 * disk, browsers fetch it), or from a caller-supplied compiled module, bytes or URL
 * (bundlers, workers, CDNs). Every call instantiates anew: its own linear memory. Four files
 * ship: the SIMD128 and the relaxed-SIMD build (src/builds.ts), each single-threaded and
 * shared-memory; without a given module the loader picks the file of the build and thread
 * count asked for.
 */
import { type KernelBuild, type KernelBuildOption, resolveBuild } from './builds.js';
import { availableParallelism, resolveThreads } from './threads/count.js';
import { GemmPool } from './threads/pool.js';
import { type CoreExports, REQUIRED_EXPORTS, WasmKernels } from './wasm-kernels.js';

/**
 * Where the compiled module comes from; give at most one. With none, the `.wasm` shipped in
 * this package (`wasmUrl`) is used.
 */
export interface LoadKernelsOptions {
  /** An already compiled module (e.g. from a bundler's `?module` import or a worker message). */
  module?: WebAssembly.Module;
  /** The bytes of `dualphi-core.wasm`. */
  bytes?: BufferSource;
  /** Where to read or fetch `dualphi-core.wasm` (a `file:` URL is read from disk in Node). */
  url?: string | URL;
  /**
   * Threads each GEMM is split across: a whole number from 1 to 4 × the available
   * parallelism, or `'auto'` (the available parallelism). 1 (the default) loads the
   * single-threaded `dualphi-core.wasm`; more loads the shared-memory build
   * `dualphi-core-shared.wasm` (a given `module`, `bytes` or `url` must then be that build)
   * and starts worker threads (Node `worker_threads`; in browsers Web Workers, which need a
   * cross-origin-isolated page — elsewhere `'auto'` gives 1). Results are bit-identical
   * whatever the count.
   */
  threads?: number | 'auto';
  /**
   * With threads: milliseconds a product waits for a worker beyond its expected time before
   * it fails (the worker died). Default 5000.
   */
  threadTimeoutMs?: number;
  /**
   * Which build: `'simd128'`, `'relaxed-simd'` (the GEMM's micro-kernel fused with
   * `f32x4.relaxed_madd`; an error where the engine lacks relaxed SIMD), or `'auto'` (the
   * default: relaxed-simd where `relaxedSimdSupported()`, else simd128). With a given
   * `module`, `bytes` or `url`, `'auto'` takes that module's build and an explicit build must
   * match it. Results are bit-identical for one build on one engine, not across builds.
   */
  build?: KernelBuildOption;
}

/**
 * The URL of the `.wasm` file shipped with this package (`build/` beside `dist/`). Bundlers
 * that understand `new URL(..., import.meta.url)` copy the file and rewrite this URL.
 */
export const wasmUrl: URL = new URL('../build/dualphi-core.wasm', import.meta.url);

/** The URL of the shared-memory build `dualphi-core-shared.wasm`, loaded when threads > 1. */
export const sharedWasmUrl: URL = new URL('../build/dualphi-core-shared.wasm', import.meta.url);

/** The URL of the relaxed-SIMD build `dualphi-core-relaxed.wasm` (one thread). */
export const relaxedWasmUrl: URL = new URL('../build/dualphi-core-relaxed.wasm', import.meta.url);

/** The URL of the shared-memory relaxed-SIMD build `dualphi-core-shared-relaxed.wasm`. */
export const sharedRelaxedWasmUrl: URL = new URL(
  '../build/dualphi-core-shared-relaxed.wasm',
  import.meta.url,
);

/** The shipped file of a build: [one thread, shared memory]. */
const buildUrls: Readonly<Record<KernelBuild, readonly [URL, URL]>> = {
  simd128: [wasmUrl, sharedWasmUrl],
  'relaxed-simd': [relaxedWasmUrl, sharedRelaxedWasmUrl],
};

/** The shipped file names, for messages. */
const buildFiles: Readonly<Record<KernelBuild, readonly [string, string]>> = {
  simd128: ['dualphi-core.wasm', 'dualphi-core-shared.wasm'],
  'relaxed-simd': ['dualphi-core-relaxed.wasm', 'dualphi-core-shared-relaxed.wasm'],
};

/**
 * Refuses kernels whose module is not the build explicitly asked for (a `module`, `bytes` or
 * `url` of the other build); `'auto'` accepts the given module's build.
 */
function checkBuild(
  kernels: WasmKernels,
  requested: KernelBuildOption | undefined,
  shared: boolean,
): WasmKernels {
  if (requested === undefined || requested === 'auto' || kernels.build === requested) {
    return kernels;
  }
  const index = shared ? 1 : 0;
  throw new TypeError(
    `loadKernels: build '${requested}' was asked for, but the module given is the '${kernels.build}' build (${kernels.name}); give ${buildFiles[requested][index]}, or build: 'auto' to take the module's own build`,
  );
}

/** The imports AssemblyScript's minimal runtime needs: only `env.abort`, which traps here. */
function imports(memory?: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      ...(memory === undefined ? {} : { memory }),
      abort(_message: number, _file: number, line: number, column: number): never {
        throw new Error(`dualphi-core.wasm aborted at ${line}:${column}`);
      },
    },
  };
}

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

async function readFileBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  // A computed specifier keeps bundlers from resolving a Node built-in for browser builds;
  // only Node ever takes this path (file: URLs).
  const specifier = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ specifier)) as {
    readFile(path: URL): Promise<Uint8Array<ArrayBuffer>>;
  };
  return fs.readFile(url);
}

async function instantiateUrl(url: URL): Promise<WebAssembly.Instance> {
  if (url.protocol === 'file:') {
    if (!isNode()) throw new Error(`loadKernels: cannot read ${url.href} outside Node`);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await readFileBytes(url);
    } catch (error) {
      // fs names the path but not who wanted it: say it is the kernels' .wasm that is missing.
      throw new Error(
        `loadKernels: cannot read ${url.href}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return instantiateBytes(bytes);
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `loadKernels: fetching ${url.href} failed: ${response.status} ${response.statusText}`,
    );
  }
  const streaming =
    typeof WebAssembly.instantiateStreaming === 'function' &&
    response.headers.get('content-type')?.split(';')[0]?.trim() === 'application/wasm';
  if (streaming) {
    return (await WebAssembly.instantiateStreaming(response, imports())).instance;
  }
  return instantiateBytes(await response.arrayBuffer());
}

async function instantiateBytes(bytes: BufferSource): Promise<WebAssembly.Instance> {
  try {
    return (await WebAssembly.instantiate(bytes, imports())).instance;
  } catch (error) {
    throw new Error(
      `loadKernels: the bytes are not a loadable dualphi-core.wasm: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

function coreExports(instance: WebAssembly.Instance): CoreExports {
  const exports = instance.exports as Record<string, unknown>;
  if (!(exports.memory instanceof WebAssembly.Memory)) {
    throw new TypeError(
      'loadKernels: the module does not export its memory; is it dualphi-core.wasm?',
    );
  }
  const missing = REQUIRED_EXPORTS.filter((name) => typeof exports[name] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(
      `loadKernels: the module lacks the exports ${missing.join(', ')}; is it an up-to-date dualphi-core.wasm?`,
    );
  }
  return exports as unknown as CoreExports;
}

async function readUrlBytes(url: URL): Promise<BufferSource> {
  if (url.protocol === 'file:') {
    if (!isNode()) throw new Error(`loadKernels: cannot read ${url.href} outside Node`);
    try {
      return await readFileBytes(url);
    } catch (error) {
      throw new Error(
        `loadKernels: cannot read ${url.href}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `loadKernels: fetching ${url.href} failed: ${response.status} ${response.statusText}`,
    );
  }
  return response.arrayBuffer();
}

function parseUrl(url: string | URL): URL {
  try {
    return url instanceof URL
      ? url
      : new URL(url, isNode() ? undefined : globalThis.location?.href);
  } catch (error) {
    throw new TypeError(`loadKernels: "url" is not a valid URL: ${String(url)}`, {
      cause: error,
    });
  }
}

/** Largest linear memory of the shared build, in 64 KiB pages (asconfig.json "shared"). */
const SHARED_MAXIMUM_PAGES = 65536;

/** The shared-memory path of `loadKernels`: instantiate on a shared memory, start the pool. */
async function loadShared(
  options: LoadKernelsOptions,
  threads: number,
  build: KernelBuild,
): Promise<WasmKernels> {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') {
    throw new Error(
      `loadKernels: threads: ${threads} needs shared memory (SharedArrayBuffer), which this JavaScript environment does not provide; use threads: 1`,
    );
  }
  let module: WebAssembly.Module;
  if (options.module !== undefined) {
    if (!(options.module instanceof WebAssembly.Module)) {
      throw new TypeError('loadKernels: "module" must be a WebAssembly.Module');
    }
    module = options.module;
  } else {
    const bytes =
      options.bytes ?? (await readUrlBytes(parseUrl(options.url ?? buildUrls[build][1])));
    if (!(bytes instanceof ArrayBuffer) && !ArrayBuffer.isView(bytes)) {
      throw new TypeError('loadKernels: "bytes" must be an ArrayBuffer or a typed array');
    }
    try {
      module = await WebAssembly.compile(bytes);
    } catch (error) {
      throw new Error(
        `loadKernels: the bytes are not a loadable dualphi-core-shared.wasm: ${String(error)}`,
        { cause: error },
      );
    }
  }
  const importsMemory = WebAssembly.Module.imports(module).some(
    (entry) => entry.kind === 'memory' && entry.module === 'env' && entry.name === 'memory',
  );
  if (!importsMemory) {
    throw new TypeError(
      `loadKernels: threads: ${threads} needs the shared-memory build dualphi-core-shared.wasm; the module given is the single-threaded build (use threads: 1 with it)`,
    );
  }
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAXIMUM_PAGES, shared: true });
  } catch (error) {
    throw new Error(
      `loadKernels: threads: ${threads} needs a shared WebAssembly.Memory, which this environment refuses (${String(error)}); use threads: 1`,
      { cause: error },
    );
  }
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, imports(memory));
  } catch (error) {
    throw new Error(
      `loadKernels: the module is not a loadable dualphi-core-shared.wasm: ${String(error)}`,
      { cause: error },
    );
  }
  const exports = { ...(instance.exports as Record<string, unknown>), memory };
  const kernels = checkBuild(
    new WasmKernels(coreExports({ exports } as WebAssembly.Instance)),
    options.build,
    true,
  );
  const pool = await GemmPool.start(
    coreExports({ exports } as WebAssembly.Instance),
    kernels.heap,
    {
      threads,
      module,
      ...(options.threadTimeoutMs === undefined ? {} : { timeoutMs: options.threadTimeoutMs }),
    },
  );
  kernels.attachPool(pool);
  return kernels;
}

/**
 * Instantiates `dualphi-core.wasm` and returns its kernels. Each call creates a new
 * instance with its own linear memory; buffers of one instance cannot be used with another.
 * With `threads` > 1 it instantiates the shared-memory build and starts its worker threads.
 * `build` chooses SIMD128 or relaxed SIMD (by default the fastest this engine runs); the
 * kernels' `name` and `build` say which was loaded.
 */
export async function loadKernels(options: LoadKernelsOptions = {}): Promise<WasmKernels> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'loadKernels: "options" must be an object { module } | { bytes } | { url }',
    );
  }
  const given = (['module', 'bytes', 'url'] as const).filter((key) => options[key] !== undefined);
  if (given.length > 1) {
    throw new TypeError(
      `loadKernels: give only one of module, bytes, url (got ${given.join(', ')})`,
    );
  }
  const threads =
    options.threads === undefined || options.threads === 1
      ? 1
      : resolveThreads(
          'loadKernels',
          options.threads,
          isNode(),
          await availableParallelism(isNode()),
        );
  if (options.threadTimeoutMs !== undefined) {
    const t = options.threadTimeoutMs;
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
      throw new RangeError(
        `loadKernels: "threadTimeoutMs" must be a positive number of milliseconds (got ${String(t)})`,
      );
    }
  }
  const build = resolveBuild('loadKernels', options.build);
  if (threads > 1) return loadShared(options, threads, build);
  let instance: WebAssembly.Instance;
  if (options.module !== undefined) {
    if (!(options.module instanceof WebAssembly.Module)) {
      throw new TypeError('loadKernels: "module" must be a WebAssembly.Module');
    }
    try {
      instance = await WebAssembly.instantiate(options.module, imports());
    } catch (error) {
      throw new Error(
        `loadKernels: the module is not a loadable dualphi-core.wasm: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  } else if (options.bytes !== undefined) {
    const bytes = options.bytes;
    if (!(bytes instanceof ArrayBuffer) && !ArrayBuffer.isView(bytes)) {
      throw new TypeError('loadKernels: "bytes" must be an ArrayBuffer or a typed array');
    }
    instance = await instantiateBytes(bytes);
  } else {
    instance = await instantiateUrl(parseUrl(options.url ?? buildUrls[build][0]));
  }
  return checkBuild(new WasmKernels(coreExports(instance)), options.build, false);
}
