// The server and Chromium most browser test files start before their tests and close after.
import { afterAll, beforeAll } from 'vitest';
import { type TestBrowser, launchChromium } from './chromium';
import { type TestServer, startServer } from './server';
import { ensureDistBuilt } from '../helpers/build-dist';

/** The test server and Chromium of a test file, set once `beforeAll` has run. */
export interface BrowserSite {
  server: TestServer;
  browser: TestBrowser;
}

/**
 * Builds dist when stale, starts the test server and Chromium before the file's tests and
 * closes both after them; read `site.server` and `site.browser` inside the tests.
 *
 * @example
 * ```ts
 * const site = useBrowserSite();
 * it('…', async () => { const { page } = await site.browser.newPage(); await page.goto(`${site.server.origin}/…`); });
 * ```
 */
export function useBrowserSite(extraArgs: readonly string[] = []): BrowserSite {
  const site = {} as BrowserSite;
  beforeAll(async () => {
    ensureDistBuilt();
    site.server = await startServer();
    site.browser = await launchChromium(extraArgs);
  }, 120_000);
  afterAll(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}
