import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Detection } from '../core/types';
import { drawDetections } from '../render/detections';
import { putRawImage } from '../render/raw-image';
import { decodeImageFile } from './node-platform';

/**
 * Writes a copy of an image with detections drawn on it (boxes, labels, scores, track IDs,
 * landmarks) into `outDir`, as `<name>.annotated.png`; returns the written path. Uses the
 * optional `@napi-rs/canvas` package.
 *
 * @example
 * ```ts
 * const path = await writeAnnotatedImage('photo.jpg', result.detections, 'out/');
 * ```
 */
export async function writeAnnotatedImage(image: string, detections: readonly Detection[], outDir: string): Promise<string> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const raw = await decodeImageFile(image);
  const canvas = createCanvas(raw.width, raw.height);
  const ctx = canvas.getContext('2d');
  putRawImage(ctx, raw);
  drawDetections(ctx, detections, { imageSize: { width: raw.width, height: raw.height } });
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, `${basename(image, extname(image))}.annotated.png`);
  await writeFile(path, await canvas.encode('png'));
  return path;
}
