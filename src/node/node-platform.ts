import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VisionError, describeError } from '../core/errors';
import { type ImageInputLimits, LIMIT_NAMES, type RawImage, effectiveMaxPixels } from '../core/image-input';
import { checkImageSize } from '../core/image-limits';
import { checkOptionsObject } from '../core/known-options';
import type { Platform } from '../core/platform';
import { DeviceFileError, checkRealPathWithin, readLocalFileChecked } from './local-file';
import { resolveFetchedModel } from './model-fetch';
import type { Metadata } from 'sharp';

const require = createRequire(import.meta.url);

/**
 * `platform.readFile`: model files (model.json, weights, ONNX), never a device nor a named pipe;
 * with `within`, never through a link out of that folder. `pipes`: a file the user names (an
 * image), read to its end even when it is a pipe.
 */
async function readLocalFile(path: string, options?: { within?: string; pipes?: boolean }): Promise<Uint8Array> {
  const file = path.startsWith('file:') ? fileURLToPath(path) : path;
  if (options?.within !== undefined) await checkRealPathWithin(file, options.within);
  const buffer = await readLocalFileChecked(file, { pipes: options?.pipes });
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
 * Pipes are read to their end (`cat photo.jpg | visionpipe detect /dev/stdin`), up to 1 GiB.
 *
 * @example
 * ```ts
 * const bytes = await readImageFile('/dev/stdin'); // read once: decode and thumbnail from these
 * ```
 */
export async function readImageFile(path: string): Promise<Uint8Array> {
  try {
    return await readLocalFile(path, { pipes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = error instanceof DeviceFileError ? `is ${error.what}, not an image file` : (FILE_ERRORS[code] ?? describeError(error));
    throw new VisionError('INVALID_INPUT', `cannot read image file '${path}': ${reason}`, { cause: error });
  }
}

/** sharp's names of the formats decoded (AVIF is a HEIF format); the others (SVG, PDF, …) are refused. */
const IMAGE_FORMATS: Record<string, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF', heif: 'AVIF', tiff: 'TIFF' };
/** Sample types of 8- and 16-bit images; float and complex samples have no one meaning as pixels. */
const PIXEL_DEPTHS = ['uchar', 'char', 'ushort', 'short'];

/** RGB from RGBA pixels, a fully transparent pixel black — as a browser reads it (canvas pixels are stored premultiplied). */
function rgbOverBlack(rgba: Uint8Array): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    if (rgba[i + 3] === 0) continue;
    rgb[o] = rgba[i];
    rgb[o + 1] = rgba[i + 1];
    rgb[o + 2] = rgba[i + 2];
  }
  return rgb;
}

/**
 * Reads an encoded image's header and checks it before anything is decoded: not empty, one of
 * the decoded formats (JPEG, PNG, WebP, GIF, AVIF, TIFF), 8- or 16-bit samples, at most
 * `maxPixels` pixels; `INVALID_INPUT` naming `what` otherwise. Gives sharp's metadata.
 *
 * @example
 * ```ts
 * await checkImageHeader(bytes, "image 'a.jpg'", "image 'a.jpg'", effectiveMaxPixels()); // throws for a 9000×9000 PNG
 * ```
 */
export async function checkImageHeader(bytes: Uint8Array, what: string, sizeName: string, maxPixels: number): Promise<Metadata> {
  if (bytes.length === 0) throw new VisionError('INVALID_INPUT', `the ${what} is empty (0 bytes)`);
  const { default: sharp } = await import('sharp');
  let header: Metadata;
  try {
    // limitInputPixels: false: only the header is read here; with sharp's own cap (~268 million
    // pixels) a larger image failed with 'Input image exceeds pixel limit' instead of our message,
    // and a --max-pixels above that cap could not take it.
    header = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    // sharp knows not even the format (a BMP, a text file): say what is read
    throw new VisionError('INVALID_INPUT', `could not decode the ${what}: ${describeError(error)}; allowed: ${Object.values(IMAGE_FORMATS).join(', ')}`, { cause: error });
  }
  const format = IMAGE_FORMATS[header.format ?? ''];
  if (!format) {
    // an SVG is rendered, not decoded: a 300-byte one can hold a blur that runs for minutes
    throw new VisionError('INVALID_INPUT', `the ${what} is ${header.format ? `in ${header.format.toUpperCase()} format` : 'of an unknown format'}; allowed: ${Object.values(IMAGE_FORMATS).join(', ')}`);
  }
  if (header.depth !== undefined && !PIXEL_DEPTHS.includes(header.depth)) {
    throw new VisionError('INVALID_INPUT', `the ${what} holds ${header.depth} samples (a ${format} of measurements, not of 8- or 16-bit pixels); convert it to 8-bit first`);
  }
  // EXIF orientations 5–8 swap width and height; the pixel count is the same either way.
  checkImageSize(header.width ?? 0, header.height ?? 0, sizeName, maxPixels);
  return header;
}

/**
 * Decodes an image file or encoded bytes (JPEG, PNG, WebP, GIF, AVIF, TIFF; others such as SVG,
 * and float samples, are `INVALID_INPUT`) to RGB pixels with sharp, honouring EXIF orientation;
 * fully transparent pixels are black, as browsers read them. The size is read from the header
 * first: an image of more than `maxPixels` pixels (default 2^26 = 8192×8192, or the platform's
 * `maxPixels`) is `INVALID_INPUT` without being decoded. An unreadable or empty file is
 * `INVALID_INPUT` saying why (permission denied, no such file, a directory, 0 bytes).
 *
 * @example
 * ```ts
 * const { data, width, height } = await decodeImageFile('photo.jpg');
 * ```
 */
export async function decodeImageFile(source: string | Uint8Array, options: ImageInputLimits = {}): Promise<RawImage> {
  checkOptionsObject(options, 'decodeImageFile', LIMIT_NAMES);
  const bytes = typeof source === 'string' ? await readImageFile(source) : source;
  return decodeImageBytes(bytes, typeof source === 'string' ? source : undefined, options);
}

/**
 * {@link decodeImageFile} of bytes already read from `path` (named in its messages as a path
 * is), for a caller that needs the bytes too — a file read once, such as a pipe.
 *
 * @example
 * ```ts
 * const bytes = await readImageFile('/dev/stdin');
 * const image = await decodeImageBytes(bytes, '/dev/stdin', { maxPixels });
 * ```
 */
export async function decodeImageBytes(bytes: Uint8Array, path: string | undefined, options: ImageInputLimits = {}): Promise<RawImage> {
  const maxPixels = effectiveMaxPixels(options);
  const { default: sharp } = await import('sharp');
  const what = path !== undefined ? `image '${path}'` : 'image';
  const header = await checkImageHeader(bytes, what, path !== undefined ? what : 'encoded image', maxPixels);
  // limitInputPixels makes libvips refuse the same images should the header lie.
  const limit = Number.isFinite(maxPixels) ? maxPixels : false;
  let decoded;
  try {
    const oriented = sharp(bytes, { limitInputPixels: limit }).rotate();
    decoded = await (header.hasAlpha ? oriented.ensureAlpha() : oriented.removeAlpha()).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new VisionError('INVALID_INPUT', `could not decode the ${what}: ${describeError(error)}`, { cause: error });
  }
  const { data, info } = decoded;
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { data: info.channels === 4 ? rgbOverBlack(pixels) : pixels, width: info.width, height: info.height, channels: 3 };
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
