import type { RawImage } from './image-input';

/**
 * Host services that differ between browsers and Node. The browser build needs none of
 * them; `visionpipe/node` installs file reading, image decoding (sharp), package-model
 * resolution and onnxruntime-node when it is imported.
 *
 * @example
 * ```ts
 * setPlatform({ readFile: async (p) => new Uint8Array(await fs.readFile(p)) });
 * ```
 */
export interface Platform {
  /** Reads a local file (Node). */
  readFile?: (path: string) => Promise<Uint8Array>;
  /** Decodes an encoded image (JPEG/PNG/WebP…) or an image file path to RGB(A) pixels. */
  decodeImage?: (source: string | Uint8Array) => Promise<RawImage>;
  /** Resolves a file inside an installed npm package to a local path (Node). */
  resolvePackageFile?: (packageName: string, path: string) => string;
  /** Resolves the entry file of a model fetched into the model cache (Node), or throws saying how to fetch it. */
  resolveFetchedModel?: (modelId: string, path: string) => string;
  /** Loads the onnxruntime module to use in place of onnxruntime-web (Node: onnxruntime-node). */
  loadOnnxRuntime?: () => Promise<unknown>;
}

const platform: Platform = {};

/**
 * Installs host services; later calls override the named entries only.
 *
 * @example
 * ```ts
 * setPlatform({ decodeImage: myDecoder });
 * ```
 */
export function setPlatform(services: Platform): void {
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
