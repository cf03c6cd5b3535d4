import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { RawImage } from '../core/image-input';
import type { Detection } from '../core/types';
import type { Canvas2D, ScratchCanvas } from '../render/canvas2d';
import { drawDetections } from '../render/detections';
import { drawCaption } from '../render/caption';
import { type DrawablePose, drawKeypoints } from '../render/keypoints';
import { type MaskLike, type MaskOverlay, drawMasks } from '../render/masks';
import { putRawImage } from '../render/raw-image';
import { decodeImageFile } from './node-platform';

type ImageSize = { width: number; height: number };

/**
 * Paints results over an image already on the canvas: `size` is the image's size, and
 * `createCanvas` makes scratch canvases (mask drawing needs them).
 *
 * @example
 * ```ts
 * const draw: AnnotationDraw = (ctx, size) => drawDetections(ctx, detections, { imageSize: size });
 * ```
 */
export type AnnotationDraw = (ctx: Canvas2D, size: ImageSize, createCanvas: (w: number, h: number) => ScratchCanvas) => void;

/**
 * Where an annotated copy goes: `outDir`, and the file name's stem (default: the image's
 * name without its extension), e.g. `{ outDir: 'out', name: 'photo-2' }`.
 *
 * @example
 * ```ts
 * await writeAnnotated('photo.jpg', { outDir: 'out', name: 'photo-2' }, 'pose', draw);
 * ```
 */
export interface AnnotateTarget {
  outDir: string;
  name?: string;
  /** The image's pixels when already decoded: drawn on as they are, the file is not read again. */
  pixels?: RawImage;
}

/**
 * Decodes an image (or takes `target.pixels`), lets `draw` paint on a `@napi-rs/canvas` copy
 * of it, and writes the result as `<outDir>/<name>.<suffix>.png`; returns the written path.
 *
 * @example
 * ```ts
 * await writeAnnotated('photo.jpg', { outDir: 'out' }, 'boxes', (ctx, size) => drawDetections(ctx, dets, { imageSize: size }));
 * ```
 */
export async function writeAnnotated(
  image: string,
  target: AnnotateTarget,
  suffix: string,
  draw: AnnotationDraw,
): Promise<string> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const raw = target.pixels ?? (await decodeImageFile(image));
  const canvas = createCanvas(raw.width, raw.height);
  const ctx = canvas.getContext('2d') as unknown as Canvas2D;
  putRawImage(ctx, raw);
  draw(ctx, { width: raw.width, height: raw.height }, (w, h) => createCanvas(w, h) as unknown as ScratchCanvas);
  await mkdir(target.outDir, { recursive: true });
  const path = join(target.outDir, `${target.name ?? basename(image, extname(image))}.${suffix}.png`);
  await writeFile(path, await canvas.encode('png'));
  return path;
}

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
export function writeAnnotatedImage(image: string, detections: readonly Detection[], outDir: string, name?: string): Promise<string> {
  return writeAnnotated(image, { outDir, name }, 'annotated', (ctx, imageSize) => {
    drawDetections(ctx, detections, { imageSize });
  });
}

/**
 * Writes a copy of an image with masks blended over it (a category mask: a colour per
 * class, background left as is) as `<outDir>/<name>.mask.png`; returns the written path.
 *
 * @example
 * ```ts
 * const { categoryMask } = await segmenter.run('photo.jpg');
 * await writeMaskOverlay('photo.jpg', [categoryMask!], 'out/');
 * ```
 */
export function writeMaskOverlay(image: string, masks: ReadonlyArray<MaskLike | MaskOverlay>, outDir: string, name?: string): Promise<string> {
  return writeAnnotated(image, { outDir, name }, 'mask', (ctx, imageSize, createCanvas) => {
    drawMasks(ctx, masks, { imageSize, opacity: 0.55, createCanvas });
  });
}

/**
 * Writes a copy of an image with poses drawn on it (skeleton edges and keypoints scoring at
 * least `threshold`, default 0.3) as `<outDir>/<name>.pose.png`; returns the written path.
 *
 * @example
 * ```ts
 * const { poses } = await estimator.run('photo.jpg');
 * await writePoseImage('photo.jpg', poses, 'out/');
 * ```
 */
export function writePoseImage(image: string, poses: readonly DrawablePose[], outDir: string, name?: string, threshold = 0.3): Promise<string> {
  return writeAnnotated(image, { outDir, name }, 'pose', (ctx, imageSize) => {
    drawKeypoints(ctx, poses, { imageSize, threshold });
  });
}

/**
 * Writes a copy of an image with its caption drawn in a band at the bottom as
 * `<outDir>/<name>.caption.png`; returns the written path.
 *
 * @example
 * ```ts
 * const { text } = await captioner.run('photo.jpg');
 * await writeCaptionImage('photo.jpg', text, 'out/');
 * ```
 */
export function writeCaptionImage(image: string, text: string, outDir: string, name?: string): Promise<string> {
  return writeAnnotated(image, { outDir, name }, 'caption', (ctx) => {
    drawCaption(ctx, text);
  });
}
