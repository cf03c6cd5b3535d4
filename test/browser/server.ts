// A static file server over the repository root for the browser tests. It sends the
// cross-origin isolation headers (COOP/COEP/CORP) so that `crossOriginIsolated` is true in
// the page (SharedArrayBuffer, wasm threads), and counts requests per path so that a test
// can prove a model was downloaded once and then came from the Cache API. Under /hold/ it sends
// the first half of a .bin file and the rest only once the test calls releaseHeld(): a download
// caught in the middle.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  origin: string;
  /** How many requests arrived for a path (e.g. `/node_modules/x/model.bin`), query excluded. */
  requests(path: string): number;
  /** Every path requested so far, with its count. */
  requestLog(): ReadonlyMap<string, number>;
  /** Lets the .bin downloads held under /hold/ (and every later one) finish. */
  releaseHeld(): void;
  close(): Promise<void>;
}

/** The repository root (two folders above this file). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Serves `root` (default: the repository root) on 127.0.0.1 at a free port.
 *
 * @example
 * ```ts
 * const server = await startServer();
 * await page.goto(`${server.origin}/test/browser/pages/pipelines.html`);
 * await server.close();
 * ```
 */
export async function startServer(root: string = REPO_ROOT): Promise<TestServer> {
  // dev: stat files per request (no start-up walk of node_modules, no stale listing).
  const serve = sirv(root, { dev: true, dotfiles: false, extensions: [] });
  const counts = new Map<string, number>();
  let releaseHeld = (): void => undefined;
  const released = new Promise<void>((resolve) => {
    releaseHeld = resolve;
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    counts.set(path, (counts.get(path) ?? 0) + 1);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (path.startsWith('/hold/') && path.endsWith('.bin')) {
      const bytes = readFileSync(join(root, path.slice('/hold/'.length)));
      const half = bytes.length >> 1;
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Length', bytes.length);
      res.write(bytes.subarray(0, half));
      void released.then(() => res.end(bytes.subarray(half)));
      return;
    }
    if (path.startsWith('/hold/')) req.url = req.url!.slice('/hold'.length);
    serve(req, res, () => {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain');
      res.end(`not found: ${path}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests: (path) => counts.get(path) ?? 0,
    requestLog: () => counts,
    releaseHeld: () => releaseHeld(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
