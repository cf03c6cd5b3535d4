import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawImage } from '../core/image-input';
import type { Platform } from '../core/platform';
import { resolveFetchedModel } from './model-fetch';

const require = createRequire(import.meta.url);

async function readLocalFile(path: string): Promise<Uint8Array> {
  const file = path.startsWith('file:') ? fileURLToPath(path) : path;
  const buffer = await readFile(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * Decodes an image file or encoded bytes (JPEG, PNG, WebP, GIF, AVIF, TIFF) to RGB pixels with
 * sharp, honouring EXIF orientation.
 *
 * @example
 * ```ts
 * const { data, width, height } = await decodeImageFile('photo.jpg');
 * ```
 */
export async function decodeImageFile(source: string | Uint8Array): Promise<RawImage> {
  const { default: sharp } = await import('sharp');
  const input = typeof source === 'string' && source.startsWith('file:') ? fileURLToPath(source) : source;
  const { data, info } = await sharp(input).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
}

function resolvePackageFile(packageName: string, path: string): string {
  // Packages with an `exports` map may not export package.json: search node_modules folders.
  for (const folder of require.resolve.paths(packageName) ?? []) {
    const candidate = join(folder, packageName, path);
    if (existsSync(join(folder, packageName, 'package.json')) && existsSync(candidate)) return candidate;
  }
  throw new Error(`${packageName}/${path} not found in any node_modules folder`);
}

/**
 * The Node host services: local files, sharp image decoding, installed-package model files,
 * fetched models in the model cache and onnxruntime-node.
 *
 * @example
 * ```ts
 * setPlatform(nodePlatform);
 * ```
 */
export const nodePlatform: Platform = {
  readFile: readLocalFile,
  decodeImage: decodeImageFile,
  resolvePackageFile,
  resolveFetchedModel: (modelId, path) => resolveFetchedModel(modelId, path),
  loadOnnxRuntime: () => import('onnxruntime-node'),
};
