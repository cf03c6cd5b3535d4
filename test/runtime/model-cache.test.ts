/**
 * The Cache API keeps model files a load read whole (browsers; here an in-memory stand-in of
 * `caches`, against a real HTTP server on 127.0.0.1). What a failed load fetched is not kept: a
 * single-page app answering a model URL with its index.html (200, text/html), or a file that is
 * no model, was cached and the model then failed from the cache — sending the server nothing —
 * after the server was fixed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/node/index';
import { constantOnnx } from '../helpers/constant-onnx';

/** An in-memory `caches` as browsers have it (open, match, put, delete). */
function standInCaches(): { stored: Map<string, Uint8Array> } & Pick<CacheStorage, 'open'> {
  const stored = new Map<string, Uint8Array>();
  const open = async (name: string) =>
    ({
      match: async (url: string) => {
        const body = stored.get(`${name} ${url}`);
        return body ? new Response(body as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(body.byteLength) } }) : undefined;
      },
      put: async (url: string, response: Response) => void stored.set(`${name} ${url}`, new Uint8Array(await response.arrayBuffer())),
      delete: async (url: string) => stored.delete(`${name} ${url}`),
    }) as unknown as Cache;
  return { stored, open };
}

describe('model files in the Cache API', () => {
  const model = constantOnnx([{ name: 'out', dims: [1, 2], values: [1, 2] }]);
  /** What the server answers for each path now. */
  const answers = new Map<string, { type: string; body: Uint8Array | string }>();
  const requests: string[] = [];
  let server: Server;
  let base = '';
  const cache = standInCaches();
  const previous = (globalThis as { caches?: unknown }).caches;

  beforeAll(async () => {
    (globalThis as { caches?: unknown }).caches = cache;
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const answer = answers.get(req.url ?? '');
      if (!answer) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': answer.type }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    (globalThis as { caches?: unknown }).caches = previous;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a web page answered for a model is never cached; the next load fetches again and works once the server is fixed', async () => {
    answers.set('/page/m.onnx', { type: 'text/html; charset=utf-8', body: '<!doctype html><title>app</title>' });
    answers.set('/page/model.json', { type: 'text/html', body: '<!doctype html><title>app</title>' });
    for (const path of ['/page/m.onnx', '/page/model.json']) await expect(loadModel(`${base}${path}`)).rejects.toMatchObject({ code: 'MODEL_FORMAT' });
    expect(cache.stored.size).toBe(0);
    answers.set('/page/m.onnx', { type: 'application/octet-stream', body: model });
    const before = requests.length;
    const runner = await loadModel(`${base}/page/m.onnx`);
    expect(requests.length).toBe(before + 1);
    runner.dispose();
    // a good model is kept: the next load sends the server nothing
    const again = await loadModel(`${base}/page/m.onnx`);
    expect(requests.length).toBe(before + 1);
    expect(again.outputs.map((o) => o.name)).toEqual(['out']);
    again.dispose();
  });

  it('a file that is no model, of any type, leaves the cache when its load fails', async () => {
    answers.set('/junk/m.onnx', { type: 'application/octet-stream', body: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) });
    await expect(loadModel(`${base}/junk/m.onnx`)).rejects.toMatchObject({ code: 'MODEL_FORMAT' });
    expect([...cache.stored.keys()].some((key) => key.includes('/junk/'))).toBe(false);
    answers.set('/junk/m.onnx', { type: 'application/octet-stream', body: model });
    const runner = await loadModel(`${base}/junk/m.onnx`);
    expect(runner.outputs.map((o) => o.name)).toEqual(['out']);
    runner.dispose();
    expect([...cache.stored.keys()].some((key) => key.includes('/junk/'))).toBe(true);
  });

  it('a load that fails for want of a backend keeps the good file it cached (a concurrent load of it had its entry deleted)', async () => {
    answers.set('/good/m.onnx', { type: 'application/octet-stream', body: model });
    await expect(loadModel(`${base}/good/m.onnx`, { executionProviders: ['webgl'] })).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    const before = requests.length;
    const runner = await loadModel(`${base}/good/m.onnx`);
    expect(requests.length).toBe(before); // from the cache
    runner.dispose();
  });
});
