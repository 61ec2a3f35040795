/**
 * Loading `dualphi-core.wasm`: from the file shipped beside this module (Node reads it from
 * disk, browsers fetch it), or from a caller-supplied compiled module, bytes or URL
 * (bundlers, workers, CDNs). Every call instantiates anew: its own linear memory.
 */
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
}

/**
 * The URL of the `.wasm` file shipped with this package (`build/` beside `dist/`). Bundlers
 * that understand `new URL(..., import.meta.url)` copy the file and rewrite this URL.
 */
export const wasmUrl: URL = new URL('../build/dualphi-core.wasm', import.meta.url);

/** The imports AssemblyScript's minimal runtime needs: only `env.abort`, which traps here. */
function imports(): WebAssembly.Imports {
  return {
    env: {
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

/**
 * Instantiates `dualphi-core.wasm` and returns its kernels. Each call creates a new
 * instance with its own linear memory; buffers of one instance cannot be used with another.
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
    const url = options.url ?? wasmUrl;
    let parsed: URL;
    try {
      parsed =
        url instanceof URL ? url : new URL(url, isNode() ? undefined : globalThis.location?.href);
    } catch (error) {
      throw new TypeError(`loadKernels: "url" is not a valid URL: ${String(url)}`, {
        cause: error,
      });
    }
    instance = await instantiateUrl(parsed);
  }
  return new WasmKernels(coreExports(instance));
}
