// Opening the realtime harness page in a launched Chromium and calling `window.rt` methods.
import type { Page } from 'playwright-core';
import type { TestBrowser } from '../browser/chromium';
import type { TestServer } from '../browser/server';
import type { RealtimeHarness } from './harness-types';

/** A page of the realtime harness with its console log. */
export interface RealtimePage {
  page: Page;
  log: string[];
  call<K extends keyof RealtimeHarness>(method: K, ...args: Parameters<RealtimeHarness[K]>): Promise<Awaited<ReturnType<RealtimeHarness[K]>>>;
}

/** Loads test/realtime/pages/realtime.html and waits for the harness. */
export async function openHarness(browser: TestBrowser, server: TestServer, path = '/test/realtime/pages/realtime.html'): Promise<RealtimePage> {
  const { page, log } = await browser.newPage();
  await page.goto(`${server.origin}${path}`);
  await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean; harnessError?: string }).harnessReady || (window as unknown as { harnessError?: string }).harnessError, undefined, { timeout: 60_000 });
  const failed = await page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError ?? null);
  if (failed) throw new Error(`harness failed to load: ${failed}\n${log.join('\n')}`);
  return {
    page,
    log,
    async call(method, ...args) {
      try {
        return (await page.evaluate(
          ([name, params]) => {
            const rt = (window as unknown as { rt: Record<string, (...a: unknown[]) => unknown> }).rt;
            return rt[name](...params);
          },
          [method, args as unknown[]] as [string, unknown[]],
        )) as never;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`rt.${method} failed: ${message}\n--- page console (last 30) ---\n${log.slice(-30).join('\n')}`);
      }
    },
  };
}

/** Chromium flags for a fake camera that streams `clip` (y4m) with permission granted. */
export function fakeCameraArgs(clip: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`];
}
