/**
 * A tiny static file server for the built site (node:http only), resolving VitePress's clean
 * URLs (`/theory` → `theory.html`) and serving `.wasm` as `application/wasm` so the browser
 * can stream-compile the kernels.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** A running server and how to reach and stop it. */
export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The file a URL path names inside `root`, or undefined (also for paths escaping `root`). */
async function resolveFile(root: string, urlPath: string): Promise<string | undefined> {
  const decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  const path = normalize(join(root, decoded));
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  for (const candidate of [path, `${path}.html`, join(path, 'index.html')]) {
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/** Serves `rootDirectory` on 127.0.0.1 at a free port. */
export async function serveStatic(rootDirectory: string): Promise<StaticServer> {
  const root = resolve(rootDirectory);
  const server: Server = createServer((request, response) => {
    resolveFile(root, request.url ?? '/').then(
      (file) => {
        if (!file) {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
        // Cross-origin isolation, as the docs' dev and preview servers send it (the demo then
        // trains on worker threads).
        response.writeHead(200, {
          'content-type': type,
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        });
        createReadStream(file).pipe(response);
      },
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
  };
}
