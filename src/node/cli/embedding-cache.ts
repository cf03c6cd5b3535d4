import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where `visionpipe train` keeps image embeddings: `$VISIONPIPE_CACHE`, else
 * `$XDG_CACHE_HOME/visionpipe`, else `~/.cache/visionpipe`.
 *
 * @example
 * ```ts
 * const dir = cacheFolder(); // '/home/me/.cache/visionpipe'
 * ```
 */
export function cacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISIONPIPE_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'visionpipe');
}

/** Why a cache folder cannot be written, in words, for the common file-system errors. */
const WRITE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EEXIST: 'a part of its path is a file, not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

/**
 * Why writing to a cache failed, in a few words: `permission denied`, `read-only file system`,
 * `a part of its path is a file, not a folder`, … else the error's first line.
 *
 * @example
 * ```ts
 * await cache.set(key, features).catch((error) => console.warn(`cache not written (${cacheWriteReason(error)})`));
 * ```
 */
export function cacheWriteReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && WRITE_ERRORS[code] !== undefined) return WRITE_ERRORS[code];
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}

/**
 * Backbone features of image files, stored on disk by the hash of the file's bytes and the
 * backbone's name: a second training run (another head, more epochs, a few added images)
 * only computes what is new. Entries are raw float32 files. A missing, unreadable or corrupt
 * entry (another size, or values that are not finite numbers) is a miss; a failed write throws,
 * leaving no partial file, and the caller decides whether to go on without the cache.
 *
 * @example
 * ```ts
 * const cache = new EmbeddingCache(cacheFolder(), 'nsfw-mobilenet-v2/flatten_1', 1280);
 * const key = EmbeddingCache.key(bytes);
 * const features = (await cache.get(key)) ?? (await compute(bytes));
 * await cache.set(key, features);
 * ```
 */
export class EmbeddingCache {
  private readonly folder: string;

  constructor(
    /** The cache folder given (`cacheFolder()`): entries go to `<root>/embeddings/<backbone>/`. */
    readonly root: string,
    backbone: string,
    private readonly dim: number,
  ) {
    this.folder = join(root, 'embeddings', backbone.replace(/[^\w.-]+/g, '_'));
  }

  /** The cache key of an image file's bytes. */
  static key(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** The stored features, or undefined (missing, unreadable, of another size, or not finite numbers). */
  async get(key: string): Promise<Float32Array | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.folder, `${key}.f32`));
    } catch {
      return undefined;
    }
    if (bytes.byteLength !== this.dim * 4) return undefined;
    const features = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    // a damaged entry of the right size: computed again rather than trained on
    return features.every(Number.isFinite) ? features : undefined;
  }

  /** Stores features (written to a temporary name, then renamed: never half a file); throws when the folder cannot be written. */
  async set(key: string, features: Float32Array): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const path = join(this.folder, `${key}.f32`);
    const partial = `${path}.${process.pid}.part`;
    try {
      await writeFile(partial, new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true }).catch(() => undefined);
      throw error;
    }
  }
}
