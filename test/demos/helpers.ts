// Shared by the demo-site tests: start `node scripts/serve-demos.mjs` (what `npm start` runs),
// poll a page's `window.demo`, and where screenshots go.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { REPO_ROOT } from '../browser/server';
import { panClip } from '../helpers/clips';

/** Screenshots of the demo pages (git-ignored). */
export const SHOTS = join(REPO_ROOT, '.cache/demos');

/** The part of a page's `window.demo` every page has (demos/shared/common.ts). */
export interface DemoState {
  state: 'loading' | 'running' | 'error';
  source: 'camera' | 'image' | null;
  backend: string | null;
  results: number;
  summary: unknown;
  error: { code: string | null; message: string } | null;
}

/** A running demo server: its URL, its console output so far, and `stop()`. */
export interface DemoServer {
  url: string;
  output(): string;
  /** Ends the server and removes its bundle folder. */
  stop(): void;
}

/**
 * Starts the demo server on a free port; resolves to its URL. Each server bundles into its own
 * folder under .cache/ (test files run in parallel: one must not rewrite the scripts another's
 * pages are loading). The caption page's captioner is trained on demand (when that page first
 * asks), so tests of other pages never wait for it.
 */
export function startDemoServer(): Promise<DemoServer> {
  const outdir = join(REPO_ROOT, '.cache/demo-dist', `${process.pid}-${Date.now()}`);
  const child = spawn(process.execPath, ['scripts/serve-demos.mjs'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', DEMO_CAPTIONER: 'on-demand', DEMO_OUTDIR: outdir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => {
    child.kill();
    rmSync(outdir, { recursive: true, force: true });
  };
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /visionpipe demos: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve({ url: match[1], output: () => output, stop });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`demo server exited (${code}): ${output}`)));
  });
}

/** Polls `window.demo` until `done(state)` holds; fails early with the page's error and console. */
export async function waitForDemo<S extends DemoState = DemoState>(page: Page, log: string[], done: (s: S) => boolean, timeoutMs = 90_000): Promise<S> {
  const deadline = Date.now() + timeoutMs;
  let state: S | null = null;
  while (Date.now() < deadline) {
    state = await page.evaluate(() => (globalThis as unknown as { demo?: S }).demo ?? null);
    if (state && done(state)) return state;
    if (state?.state === 'error') break;
    await page.waitForTimeout(250);
  }
  const status = await page.locator('#status').textContent().catch(() => '?');
  throw new Error(`demo did not get there: ${JSON.stringify(state).slice(0, 2000)}\nstatus: ${status}\nconsole:\n${log.slice(-20).join('\n')}`);
}

/** The demo server and a Chromium whose fake camera plays the pan clip, for one test file. */
export interface DemoSite {
  server: DemoServer;
  browser: TestBrowser;
}

/** Starts the site before the file's tests and stops it after them (vitest hooks). */
export function useDemoSite(): DemoSite {
  const site = {} as DemoSite;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const clip = panClip();
    [site.server, site.browser] = await Promise.all([
      startDemoServer(),
      launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`]),
    ]);
  });
  afterAll(async () => {
    await site.browser?.close();
    site.server?.stop();
  });
  return site;
}
