import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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

/**
 * Backbone features of image files, stored on disk by the hash of the file's bytes and the
 * backbone's name: a second training run (another head, more epochs, a few added images)
 * only computes what is new. Entries are raw float32 files.
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

  constructor(root: string, backbone: string, private readonly dim: number) {
    this.folder = join(root, 'embeddings', backbone.replace(/[^\w.-]+/g, '_'));
  }

  /** The cache key of an image file's bytes. */
  static key(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** The stored features, or undefined (missing, or of another size). */
  async get(key: string): Promise<Float32Array | undefined> {
    try {
      const bytes = await readFile(join(this.folder, `${key}.f32`));
      if (bytes.byteLength !== this.dim * 4) return undefined;
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    } catch {
      return undefined;
    }
  }

  /** Stores features (written to a temporary name, then renamed: never half a file). */
  async set(key: string, features: Float32Array): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const path = join(this.folder, `${key}.f32`);
    const partial = `${path}.${process.pid}.part`;
    await writeFile(partial, new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
    await rename(partial, path);
  }
}
