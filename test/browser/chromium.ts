// Launches the system's headless Chromium (Debian package) with playwright-core, with the
// flags shared/TESTING.md lists: WebGPU on (SwiftShader adapter), no network side traffic,
// and a fresh profile and HOME per launch. Browsers are never downloaded.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'];

/** Chromium flags for these tests. Never add `--disable-software-rasterizer`: it kills WebGPU. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

/** Where the Chromium binary is, or a clear error saying how to install it. */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  const found = [fromEnv, ...CANDIDATES].find((path): path is string => !!path && existsSync(path));
  if (!found) {
    throw new Error(
      `Chromium not found (looked at ${CANDIDATES.join(', ')}${fromEnv ? `, ${fromEnv}` : ''}). ` +
        'Install Debian\'s package: `apt-get install -y --no-install-recommends chromium` (or run `bash .ci/run`). ' +
        'The browser tests never download a browser.',
    );
  }
  return found;
}

/** A launched browser with its own profile; `close()` removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  /** Opens a page, collecting its console output and uncaught errors into `log`. */
  newPage(): Promise<{ page: Page; log: string[] }>;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh user-data-dir, HOME and XDG_CONFIG_HOME.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const { page } = await browser.newPage();
 * await browser.close();
 * ```
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<TestBrowser> {
  const executablePath = findChromium();
  const home = mkdtempSync(join(tmpdir(), 'visionpipe-chromium-'));
  const profile = join(home, 'profile');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  Object.assign(env, { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') });

  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      env,
      timeout: 60_000,
    });
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  }

  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const log: string[] = [];
      page.on('console', (message) => log.push(`[${message.type()}] ${message.text()}`));
      page.on('pageerror', (error) => log.push(`[pageerror] ${error.message}`));
      return { page, log };
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
