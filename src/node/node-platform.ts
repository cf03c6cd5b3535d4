import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VisionError, describeError } from '../core/errors';
import { type ImageInputLimits, type RawImage, effectiveMaxPixels } from '../core/image-input';
import { checkImageSize } from '../core/image-limits';
import type { Platform } from '../core/platform';
import { DeviceFileError, checkRealPathWithin, readLocalFileChecked } from './local-file';
import { resolveFetchedModel } from './model-fetch';

const require = createRequire(import.meta.url);

/** `platform.readFile`: model files (model.json, weights, ONNX), never a device; with `within`, never through a link out of that folder. */
async function readLocalFile(path: string, options?: { within?: string }): Promise<Uint8Array> {
  const file = path.startsWith('file:') ? fileURLToPath(path) : path;
  if (options?.within !== undefined) await checkRealPathWithin(file, options.within);
  const buffer = await readLocalFileChecked(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

const FILE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not an image file',
  ENOTDIR: 'a part of the path is not a directory',
};

/**
 * Reads an image file, turning file-system errors into `INVALID_INPUT` that say what happened.
 * Devices (`/dev/zero`, a disk, a terminal) are refused before reading: they may never end.
 * Pipes are read to their end (`cat photo.jpg | visionpipe detect /dev/stdin`).
 */
async function readImageFile(path: string): Promise<Uint8Array> {
  try {
    return await readLocalFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = error instanceof DeviceFileError ? 'is a device, not an image file' : (FILE_ERRORS[code] ?? describeError(error));
    throw new VisionError('INVALID_INPUT', `cannot read image file '${path}': ${reason}`, { cause: error });
  }
}

/**
 * Decodes an image file or encoded bytes (JPEG, PNG, WebP, GIF, AVIF, TIFF) to RGB pixels with
 * sharp, honouring EXIF orientation. The size is read from the header first: an image of more
 * than `maxPixels` pixels (default 2^26 = 8192×8192, or the platform's `maxPixels`) is
 * `INVALID_INPUT` without being decoded. An unreadable file is `INVALID_INPUT` saying why
 * (permission denied, no such file, a directory).
 *
 * @example
 * ```ts
 * const { data, width, height } = await decodeImageFile('photo.jpg');
 * ```
 */
export async function decodeImageFile(source: string | Uint8Array, options: ImageInputLimits = {}): Promise<RawImage> {
  const maxPixels = effectiveMaxPixels(options);
  const { default: sharp } = await import('sharp');
  const bytes = typeof source === 'string' ? await readImageFile(source) : source;
  const what = typeof source === 'string' ? `image '${source}'` : 'image';
  let header;
  try {
    // limitInputPixels: false: only the header is read here; with sharp's own cap (~268 million
    // pixels) a larger image failed with 'Input image exceeds pixel limit' instead of our message,
    // and a --max-pixels above that cap could not take it.
    header = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new VisionError('INVALID_INPUT', `could not decode the ${what}: ${describeError(error)}`, { cause: error });
  }
  // EXIF orientations 5–8 swap width and height; the pixel count is the same either way.
  checkImageSize(header.width ?? 0, header.height ?? 0, typeof source === 'string' ? what : 'encoded image', maxPixels);
  // limitInputPixels makes libvips refuse the same images should the header lie.
  const limit = Number.isFinite(maxPixels) ? maxPixels : false;
  let decoded;
  try {
    decoded = await sharp(bytes, { limitInputPixels: limit }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new VisionError('INVALID_INPUT', `could not decode the ${what}: ${describeError(error)}`, { cause: error });
  }
  const { data, info } = decoded;
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
  absolutePath: (path) => resolve(path),
};
