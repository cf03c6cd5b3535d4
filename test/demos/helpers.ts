// Shared by the demo-site tests: start `node scripts/serve-demos.mjs` (what `npm start` runs),
// poll a page's `window.demo`, and where screenshots go.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { REPO_ROOT } from '../browser/server';
import { panClip } from '../helpers/clips';
import { startDemoServer, type DemoServer } from './demo-server';

export { startDemoServer, type DemoServer };

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
