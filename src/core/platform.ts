import { resolveMaxPixels } from './image-limits';
import { checkOptionsObject, optionNames } from './known-options';
import type { RawImage } from './raw-image';

/**
 * Host services that differ between browsers and Node. The browser build needs none of
 * them; `visionpipe/node` installs file reading, image decoding (sharp), package-model
 * resolution and onnxruntime-node when it is imported.
 *
 * @example
 * ```ts
 * setPlatform({ readFile: async (p) => new Uint8Array(await fs.readFile(p)) });
 * setPlatform({ maxPixels: 12_000 * 12_000 }); // accept larger images
 * ```
 */
export interface Platform {
  /**
   * Reads a local file (Node). With `within`, the file — links followed — must be inside that
   * folder (links followed too): a model's shard that is a link to a file elsewhere is refused.
   */
  readFile?: (path: string, options?: { within?: string }) => Promise<Uint8Array>;
  /**
   * Decodes an encoded image (JPEG/PNG/WebP…) or an image file path to RGB(A) pixels. It must
   * read the size from the header first and refuse (`INVALID_INPUT`) an image of more than
   * `options.maxPixels` pixels without decoding it.
   */
  decodeImage?: (source: string | Uint8Array, options: { maxPixels: number }) => Promise<RawImage>;
  /**
   * Largest image (width × height) any pipeline accepts, checked before decoding; default
   * 2^26 (8192×8192). `Infinity` switches the limit off.
   */
  maxPixels?: number;
  /** Resolves a file inside an installed npm package to a local path (Node). */
  resolvePackageFile?: (packageName: string, path: string) => string;
  /** Resolves the entry file of a model fetched into the model cache (Node), or throws saying how to fetch it. */
  resolveFetchedModel?: (modelId: string, path: string) => string;
  /** Loads the onnxruntime module to use in place of onnxruntime-web (Node: onnxruntime-node). */
  loadOnnxRuntime?: () => Promise<unknown>;
  /**
   * A local path made absolute against the working directory (Node), so that a relative model
   * path and an absolute model root (or the reverse) can be compared.
   */
  absolutePath?: (path: string) => string;
}

const platform: Platform = {};

/** Every service {@link Platform} has. */
const PLATFORM_NAMES = /* @__PURE__ */ optionNames<Platform>()(['readFile', 'decodeImage', 'maxPixels', 'resolvePackageFile', 'resolveFetchedModel', 'loadOnnxRuntime', 'absolutePath']);

/**
 * Installs host services; later calls override the named entries only. A `maxPixels` that is
 * not a positive integer (or `Infinity`) is `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * setPlatform({ decodeImage: myDecoder });
 * ```
 */
export function setPlatform(services: Platform): void {
  // a misspelt service (maxPixel: 10) kept the default pixel limit without a word
  checkOptionsObject(services, 'setPlatform', PLATFORM_NAMES);
  if (services.maxPixels !== undefined) resolveMaxPixels(services.maxPixels);
  Object.assign(platform, services);
}

/**
 * The host services installed so far (empty in a plain browser build).
 *
 * @example
 * ```ts
 * if (getPlatform().readFile) console.log('running in Node');
 * ```
 */
export function getPlatform(): Readonly<Platform> {
  return platform;
}
