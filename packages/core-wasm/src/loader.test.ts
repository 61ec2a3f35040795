import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelBuildNames, relaxedSimdSupported } from './builds.js';
import { loadKernels, wasmUrl } from './loader.js';
import type { WasmKernels } from './wasm-kernels.js';

/** A 2×2 product every loaded instance must get right. */
function multiplies(kernels: WasmKernels): boolean {
  const a = kernels.allocFrom([1, 2, 3, 4]);
  const b = kernels.allocFrom([5, 6, 7, 8]);
  const c = kernels.alloc(4);
  kernels.gemm(a, b, c, { m: 2, n: 2, k: 2 });
  const ok = Array.from(c.view).join() === '19,22,43,50';
  a.free();
  b.free();
  c.free();
  return ok;
}

/** The smallest valid WebAssembly module: magic number and version, no sections. */
const EMPTY_MODULE = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

describe('loadKernels', () => {
  let bytes: Uint8Array<ArrayBuffer>;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    bytes = new Uint8Array(await readFile(wasmUrl));
    // A local HTTP server stands in for a browser's origin: the fetch path, with and
    // without the application/wasm type that instantiateStreaming requires.
    server = createServer((request, response) => {
      if (request.url === '/core.wasm' || request.url === '/plain.wasm') {
        response.writeHead(200, {
          'content-type':
            request.url === '/core.wasm' ? 'application/wasm' : 'application/octet-stream',
        });
        response.end(bytes);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('loads the .wasm shipped beside the module by default (Node reads the file: URL)', async () => {
    const kernels = await loadKernels();
    // The default build: SIMD128 on Node 20 without --experimental-wasm-relaxed-simd.
    expect(kernels.name).toBe(
      kernelBuildNames[relaxedSimdSupported() ? 'relaxed-simd' : 'simd128'],
    );
    expect(multiplies(kernels)).toBe(true);
  });

  it('accepts a file: URL as URL or string, bytes and a compiled WebAssembly.Module', async () => {
    const module = await WebAssembly.compile(bytes);
    const sources = [
      { url: wasmUrl },
      { url: wasmUrl.href },
      { bytes },
      { bytes: bytes.buffer },
      { module },
    ];
    for (const source of sources) {
      expect(multiplies(await loadKernels(source))).toBe(true);
    }
  });

  it('fetches an http: URL, streaming when served as application/wasm', async () => {
    expect(multiplies(await loadKernels({ url: `${baseUrl}/core.wasm` }))).toBe(true);
    expect(multiplies(await loadKernels({ url: new URL(`${baseUrl}/plain.wasm`) }))).toBe(true);
    await expect(loadKernels({ url: `${baseUrl}/missing.wasm` })).rejects.toThrow(/404/);
  });

  it('gives each call its own instance and memory', async () => {
    const first = await loadKernels({ bytes });
    const second = await loadKernels({ bytes });
    const buffer = first.allocFrom([1, 2, 3]);
    expect(second.allocatedBytes()).toBe(0);
    const other = second.alloc(9);
    expect(() => second.gemm(buffer, other, other, { m: 1, n: 1, k: 1 })).toThrow(
      new TypeError(
        'gemm: argument "a" belongs to another kernel set; allocate it with this one\'s alloc()',
      ),
    );
  });

  it('rejects bad options, corrupt bytes and foreign modules with a clear error', async () => {
    await expect(loadKernels({ bytes, url: wasmUrl })).rejects.toThrow(
      /only one of module, bytes, url/,
    );
    await expect(loadKernels({ bytes: 'abc' as never })).rejects.toThrow(TypeError);
    await expect(loadKernels({ module: {} as never })).rejects.toThrow(/WebAssembly.Module/);
    await expect(loadKernels({ bytes: bytes.slice(0, 100) })).rejects.toThrow(
      /not a loadable dualphi-core.wasm/,
    );
    await expect(loadKernels({ bytes: EMPTY_MODULE })).rejects.toThrow(
      /does not export its memory/,
    );
    // A module that imports something other than env.abort cannot be linked.
    const needsOtherImports = await WebAssembly.compile(
      Uint8Array.from([
        ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
        ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: () -> ()
        ...[0x02, 0x07, 0x01, 0x01, 0x78, 0x01, 0x79, 0x00, 0x00], // import "x" "y" (func type 0)
      ]),
    );
    await expect(loadKernels({ module: needsOtherImports })).rejects.toThrow(
      /the module is not a loadable dualphi-core.wasm/,
    );
    await expect(loadKernels({ url: 'file:///nonexistent/dualphi-core.wasm' })).rejects.toThrow(
      /^loadKernels: cannot read file:\/\/\/nonexistent\/dualphi-core.wasm: ENOENT/,
    );
  });
});
