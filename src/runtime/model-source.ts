import { VisionError, describeError, throwIfAborted } from '../core/errors';
import { getPlatform } from '../core/platform';
import { absoluteUrl } from '../core/base-url';

/**
 * Where a model comes from: a URL (absolute or page-relative), a local file path (Node), or
 * the model's bytes.
 *
 * @example
 * ```ts
 * const a: ModelSource = 'https://example.com/yolo.onnx';
 * const b: ModelSource = new Uint8Array(await file.arrayBuffer());
 * ```
 */
export type ModelSource = string | URL | ArrayBuffer | Uint8Array;

/** Bytes received so far of one model (all its files together). @example `onProgress: (p) => bar.update(p.loaded / (p.total ?? 1))` */
export interface LoadProgress {
  loaded: number;
  /** Expected total bytes, when known (for an ONNX model with external data it grows once the model has named its data files). */
  total?: number;
}

/**
 * Options for reading model files.
 *
 * @example
 * ```ts
 * await loadModel(url, { onProgress: (p) => console.log(p.loaded), signal: controller.signal });
 * ```
 */
export interface LoadOptions {
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
  /** Browser Cache API: `true` (default where available) caches in 'visionpipe-models', a string names the cache, `false` never caches. */
  cache?: boolean | string;
  /**
   * The folder (path or URL) that files named inside a model — tfjs weight shards, packed
   * shards — must stay in. Default: the folder of the file that names them; a path that
   * climbs out, is absolute, or goes to another origin is refused (`INVALID_OPTION`).
   */
  modelRoot?: string;
}

/** Where one load notes the files it put in the Cache API, so that a load that fails takes them out again. */
const CACHED_BY_LOAD = Symbol('files cached by this load');

type TrackedOptions = LoadOptions & { [CACHED_BY_LOAD]?: { cache: Cache; url: string }[] };

/**
 * A copy of `options` under which the files a load puts in the Cache API are noted, for
 * {@link forgetCachedFiles} (a page answered for a model URL — a single-page app's fallback — was
 * cached, and the model then failed from the cache after the server was fixed).
 *
 * @example
 * ```ts
 * const tracked = trackCachedFiles(options);
 * try { return await build(tracked); } catch (e) { await forgetCachedFiles(tracked); throw e; }
 * ```
 */
export function trackCachedFiles<T extends LoadOptions>(options: T): T {
  return { ...options, [CACHED_BY_LOAD]: [] };
}

/**
 * Takes the files a failed load put in the Cache API out again (see {@link trackCachedFiles}).
 *
 * @example
 * ```ts
 * await forgetCachedFiles(tracked);
 * ```
 */
export async function forgetCachedFiles(options: LoadOptions): Promise<void> {
  const written = (options as TrackedOptions)[CACHED_BY_LOAD]?.splice(0) ?? [];
  await Promise.all(written.map(({ cache, url }) => cache.delete(url).catch(() => false)));
}

/**
 * A running byte counter shared by all files of one model load.
 *
 * @example
 * ```ts
 * const counter = progressCounter(); await readModelBytes(url, counter, { onProgress });
 * ```
 */
export interface ProgressCounter {
  loaded: number;
  total?: number;
  /** A one-file model: take `total` from the file itself (HTTP Content-Length, file or buffer size) when unknown. */
  singleFile?: boolean;
  report(options: LoadOptions): void;
}

/**
 * Makes a {@link ProgressCounter}. With `singleFile`, the total comes from the one file's size
 * (e.g. its Content-Length) once known.
 *
 * @example
 * ```ts
 * const counter = progressCounter(expectedBytes);
 * const onnx = progressCounter(undefined, { singleFile: true });
 * ```
 */
export function progressCounter(total?: number, options: { singleFile?: boolean } = {}): ProgressCounter {
  return {
    loaded: 0,
    total,
    singleFile: options.singleFile,
    report(options) {
      options.onProgress?.({ loaded: this.loaded, total: this.total === undefined ? undefined : Math.max(this.total, this.loaded) });
    },
  };
}

const URL_SCHEME = /^(https?|blob|data):/i;

/** Whether a string source is fetched (URL) rather than read from disk (Node path). @example `isUrlSource('https://x/y.onnx') // true` */
export function isUrlSource(source: string): boolean {
  return URL_SCHEME.test(source) || getPlatform().readFile === undefined;
}

/** The name of a source for messages and format sniffing. @example `sourceName(new URL('https://x/m.json')) // 'https://x/m.json'` */
export function sourceName(source: ModelSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  return `<${source.byteLength} bytes>`;
}

async function readStream(response: Response, counter: ProgressCounter, options: LoadOptions): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      throwIfAborted(options.signal, 'model download');
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      counter.loaded += value.byteLength;
      counter.report(options);
    }
    throwIfAborted(options.signal, 'model download');
  } catch (error) {
    // Stop the transfer (a cached response, or a body the fetch signal does not reach).
    reader.cancel().catch(() => undefined);
    throw error;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function openCache(options: LoadOptions, url: string): Promise<Cache | undefined> {
  if (options.cache === false || typeof caches === 'undefined' || !/^https?:/i.test(url)) return undefined;
  try {
    return await caches.open(typeof options.cache === 'string' ? options.cache : 'visionpipe-models');
  } catch {
    return undefined;
  }
}

async function fetchBytes(url: string, counter: ProgressCounter, options: LoadOptions): Promise<Uint8Array> {
  const absolute = absoluteUrl(url); // as given where there is no base or it does not parse: fetch says what is wrong
  const cache = await openCache(options, absolute);
  let response = await cache?.match(absolute);
  const fromNetwork = !response;
  if (!response) {
    try {
      response = await fetch(absolute, { signal: options.signal });
    } catch (error) {
      throwIfAborted(options.signal, 'model download');
      throw new VisionError('MODEL_LOAD_FAILED', `could not fetch ${absolute}: ${describeError(error)}`, { cause: error });
    }
    if (!response.ok) {
      throw new VisionError('MODEL_LOAD_FAILED', `fetching ${absolute} failed: HTTP ${response.status} ${response.statusText}`);
    }
  }
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (counter.singleFile && counter.total === undefined && length > 0 && !response.headers.get('content-encoding')) {
    counter.total = counter.loaded + length;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readStream(response, counter, options);
  } catch (error) {
    if (error instanceof VisionError) throw error;
    throwIfAborted(options.signal, 'model download');
    throw new VisionError('MODEL_LOAD_FAILED', `reading ${absolute} failed: ${describeError(error)}`, { cause: error });
  }
  // cached once read whole (progress is reported as the bytes arrive; putting a clone first held
  // them back until the download had finished): a cut-short download is never cached, nor a web
  // page (no model file is one), and a load that fails takes its files out again
  const type = response.headers.get('content-type') ?? 'application/octet-stream';
  if (cache && fromNetwork && !/^text\/html\b/i.test(type)) {
    const headers = { 'Content-Type': type, 'Content-Length': String(bytes.byteLength) };
    const put = await cache.put(absolute, new Response(bytes as Uint8Array<ArrayBuffer>, { headers })).then(() => true, () => false);
    if (put) (options as TrackedOptions)[CACHED_BY_LOAD]?.push({ cache, url: absolute });
  }
  return bytes;
}

/**
 * Reads one model file's bytes from a URL, a local path (Node) or memory, reporting progress
 * through `counter` and honouring `signal`. A local file named by another model file is read
 * with `within` (see {@link containmentFolder}): links are followed and must stay inside it.
 * Errors are `MODEL_LOAD_FAILED` (missing file, HTTP error), `INVALID_OPTION` (a link out of
 * `within`) or `ABORTED`.
 *
 * @example
 * ```ts
 * const bytes = await readModelBytes('models/centernet.bin', progressCounter(), {});
 * ```
 */
export async function readModelBytes(source: ModelSource, counter: ProgressCounter, options: LoadOptions, within?: string): Promise<Uint8Array> {
  throwIfAborted(options.signal, 'model loading');
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    if (bytes.byteLength === 0) throw new VisionError('MODEL_FORMAT', 'model bytes are empty (0 bytes, or a detached buffer)');
    if (counter.singleFile && counter.total === undefined) counter.total = counter.loaded + bytes.byteLength;
    counter.loaded += bytes.byteLength;
    counter.report(options);
    return bytes;
  }
  const name = sourceName(source);
  if (typeof source === 'string' && source.length === 0) {
    throw new VisionError('MODEL_LOAD_FAILED', 'model source is an empty string; give a URL, a file path or the model bytes');
  }
  // a file: URL object (new URL('./m.onnx', import.meta.url)) is read from disk, as its string is
  if ((source instanceof URL && source.protocol !== 'file:') || isUrlSource(name)) return fetchBytes(name, counter, options);
  const readFile = getPlatform().readFile;
  if (!readFile) throw new VisionError('MODEL_LOAD_FAILED', `cannot read file '${name}' here; pass a URL or the bytes`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(name, within === undefined ? undefined : { within });
  } catch (error) {
    if (error instanceof VisionError) throw error; // a link out of the model's folder: INVALID_OPTION
    throw new VisionError('MODEL_LOAD_FAILED', `cannot read model file '${name}': ${describeError(error)}`, { cause: error });
  }
  throwIfAborted(options.signal, 'model loading');
  if (counter.singleFile && counter.total === undefined) counter.total = counter.loaded + bytes.byteLength;
  counter.loaded += bytes.byteLength;
  counter.report(options);
  return bytes;
}
