// Relative URLs in a real browser (headless Chromium, the realtime harness page): they mean the
// page's document base — as in-thread loads and `fetch` take them — in worker pipelines, in
// the training workers and in an `<iframe srcdoc>`, whose own location is `about:srcdoc`. A
// worker script copied three folders deeper shows where a worker would look on its own.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { REPO_ROOT, type TestServer, startServer } from '../browser/server';
import { ensureBrowserBundles } from './build';
import { type RealtimePage, openHarness } from './page';

/** The harness's worker script, three folders deeper than the page's bundle. */
const DEEPER_WORKER = '/dist/rt/nested/deeper/still/worker.js';

let server: TestServer;
let browser: TestBrowser;
let rt: RealtimePage;

beforeAll(async () => {
  await ensureBrowserBundles();
  mkdirSync(join(REPO_ROOT, 'dist/rt/nested/deeper/still'), { recursive: true });
  copyFileSync(join(REPO_ROOT, 'dist/rt/worker.js'), join(REPO_ROOT, DEEPER_WORKER));
  server = await startServer();
  browser = await launchChromium();
  rt = await openHarness(browser, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('relative URLs mean the page', () => {
  it("relative modelBaseUrl and wasmPaths mean the page's folder in a worker too (they were looked for beside the worker script: MODEL_LOAD_FAILED)", async () => {
    expect(await rt.call('relativeUrls', DEEPER_WORKER)).toEqual({ ok: true, backend: 'wasm', imageSize: { width: 320, height: 240 } });
  });

  it("and in the training workers (the image trainer's backbone and both trainers' wasm files were looked for beside the worker script)", async () => {
    expect(await rt.call('trainerRelativeUrls', DEEPER_WORKER)).toEqual({ images: { ok: true, backend: 'wasm' }, gestures: { ok: true, backend: 'wasm' } });
  });

  it("in an <iframe srcdoc> (location about:srcdoc) relative URLs mean the document's base, in-thread and in a worker (they were a bare TypeError: Invalid URL)", async () => {
    expect(await rt.call('srcdocRelativeUrls')).toEqual({ href: 'about:srcdoc', inThread: { ok: true }, worker: { ok: true } });
  });
});
