/**
 * The package as a browser sees it: headless Chromium imports the built `dist/index.js`
 * over HTTP and calls `loadKernels()` with no options, so the default build's URL is fetched
 * relative to the module and instantiated by streaming: Chromium ≥ 114 runs relaxed SIMD, so
 * that is the relaxed-SIMD build, and `build: 'simd128'` fetches `wasmUrl`. This also proves the main entry
 * has no static Node built-in import (the browser could not resolve one).
 *
 * Needs the build (`npx turbo run build --filter=@dualphi/core-wasm`; the turbo test task
 * depends on it) and Debian's Chromium (`apt-get install -y chromium`, as .ci/run does;
 * DUALPHI_CHROMIUM names another executable). Without Chromium the test is skipped with one
 * line on stderr, except under CI=true, where it fails at once.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  chromiumMissingMessage,
} from './chromium.test-helpers.js';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.html': 'text/html',
};

const PAGE = `<!doctype html><script type="module">
import { loadKernels } from '/dist/index.js';
const kernels = await loadKernels();
const a = kernels.allocFrom([1, 2, 3, 4, 5, 6]); // 2×3
const b = kernels.allocFrom([7, 8, 9, 10, 11, 12]); // 3×2
const c = kernels.alloc(4);
kernels.gemm(a, b, c, { m: 2, n: 2, k: 3 });
let error = '';
try { kernels.gemm(a, b, c, { m: 3, n: 2, k: 3 }); } catch (e) { error = e.name + ': ' + e.message; }
const simd128 = await loadKernels({ build: 'simd128' });
window.result = { name: kernels.name, product: Array.from(c.view), error, simd128: simd128.name };
</script>`;

/**
 * Served with COOP/COEP (cross-origin isolation): products on two threads (Web Workers over a
 * shared memory) must equal those on one, bit for bit.
 */
const THREADED_PAGE = `<!doctype html><script type="module">
import { loadKernels } from '/dist/index.js';
const one = await loadKernels();
const two = await loadKernels({ threads: 2 });
let seed = 7;
const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
const shapes = [[128, 256, 784, false, false], [784, 256, 128, true, false], [128, 784, 256, false, true], [61, 203, 97, true, true]];
let identical = true;
for (const [m, n, k, transA, transB] of shapes) {
  const a = Float32Array.from({ length: m * k }, next);
  const b = Float32Array.from({ length: k * n }, next);
  const bits = (kernels) => {
    const c = kernels.alloc(m * n);
    kernels.gemm(kernels.allocFrom(a), kernels.allocFrom(b), c, { m, n, k, transA, transB });
    return Array.from(new Uint32Array(Float32Array.from(c.view).buffer));
  };
  if (bits(one).join() !== bits(two).join()) identical = false;
}
window.result = { isolated: crossOriginIsolated, threads: two.threads, identical, name: two.name };
</script>`;

const RUN = chromiumAvailable("core-wasm's browser tests");

describe.runIf(RUN)('in a browser (headless Chromium)', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let origin: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`${chromiumMissingMessage("core-wasm's browser tests")}.`);
    }
    if (!existsSync(join(PACKAGE_ROOT, 'dist/index.js'))) {
      throw new Error(
        'dist/index.js is missing: run `npx turbo run build --filter=@dualphi/core-wasm` first.',
      );
    }
    const started = createServer(async (request, response) => {
      const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
      // Cross-origin isolation on every response of /threads and what it loads (below
      // /dist and /build through the Referer), so the page may use shared memory.
      const isolated = {
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      };
      if (path === '/') {
        response.writeHead(200, { 'content-type': TYPES['.html'] }).end(PAGE);
        return;
      }
      if (path === '/threads') {
        response.writeHead(200, { 'content-type': TYPES['.html'], ...isolated }).end(THREADED_PAGE);
        return;
      }
      if (!path.startsWith('/dist/') && !path.startsWith('/build/')) {
        response.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(join(PACKAGE_ROOT, path));
        response.writeHead(200, {
          'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
          ...isolated,
        });
        response.end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    server = started;
    await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      timeout: 30_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    // Without this guard a failed beforeAll (no browser) left a promise that never settled:
    // a 60-second hang before the failure was reported.
    const running = server;
    if (running) await new Promise((resolve) => running.close(resolve));
  });

  it('picks the relaxed-SIMD build by default (and SIMD128 when asked), fetches it and multiplies', async () => {
    if (!browser) throw new Error('the browser did not start');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/`);
    await page
      .waitForFunction(() => 'result' in window || false, undefined, { timeout: 20_000 })
      .catch(() => {
        throw new Error(`the page did not finish: ${errors.join('; ') || 'no error reported'}`);
      });
    const result = await page.evaluate(() => (window as unknown as { result: unknown }).result);
    expect(errors).toEqual([]);
    expect(result).toEqual({
      name: 'wasm-relaxed-simd',
      product: [58, 64, 139, 154],
      error: 'RangeError: gemm: argument "a" holds 6 values but m·k = 9 are needed',
      simd128: 'wasm-simd',
    });
  });

  it('splits products across Web Workers in a cross-origin-isolated page, bit-identically', async () => {
    if (!browser) throw new Error('the browser did not start');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/threads`);
    await page
      .waitForFunction(() => 'result' in window || false, undefined, { timeout: 30_000 })
      .catch(() => {
        throw new Error(`the page did not finish: ${errors.join('; ') || 'no error reported'}`);
      });
    const result = await page.evaluate(() => (window as unknown as { result: unknown }).result);
    expect(errors).toEqual([]);
    expect(result).toEqual({
      isolated: true,
      threads: 2,
      identical: true,
      name: 'wasm-relaxed-simd',
    });
  });

  it('refuses threads: 2 in a page without cross-origin isolation, naming the headers', async () => {
    if (!browser) throw new Error('the browser did not start');
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'result' in window || false, undefined, { timeout: 20_000 });
    // A string, so that the test runner does not rewrite the page's dynamic import.
    const message = await page.evaluate(`import('/dist/index.js')
      .then((m) => m.loadKernels({ threads: 2 }))
      .then(() => 'loaded', (error) => error.message)`);
    expect(message).toMatch(/needs shared memory.*Cross-Origin-Opener-Policy: same-origin/);
  });
});
