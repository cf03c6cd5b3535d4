// Variants of the face-api group photos for the face-embedding tests: the same faces after a
// mirror flip, a crop, a rescale, JPEG recompression and brightening, with the mapping of
// original coordinates into each variant (to pair every variant face with its original).
import sharp from 'sharp';
import type { Box, RawImage } from '../../../src/node/index';

export type VariantKind = 'flip' | 'crop' | 'half-size' | 'jpeg-q25' | 'brighter';

export interface PhotoVariant {
  kind: VariantKind;
  image: RawImage;
  /** Original pixel → variant pixel. */
  map(x: number, y: number): { x: number; y: number };
}

async function raw(pipeline: sharp.Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
}

/** Decodes a photo file to RGB pixels. */
export function decodePhoto(path: string): Promise<RawImage> {
  return raw(sharp(path));
}

/** The five variants of a photo; `faces` (original boxes) decide the crop so every face stays whole. */
export async function photoVariants(path: string, size: { width: number; height: number }, faces: readonly Box[]): Promise<PhotoVariant[]> {
  const { width, height } = size;
  const margin = 0.1 * width;
  const left = Math.max(0, Math.floor(Math.min(...faces.map((f) => f.x1)) - margin));
  const top = Math.max(0, Math.floor(Math.min(...faces.map((f) => f.y1)) - margin));
  const right = Math.min(width, Math.ceil(Math.max(...faces.map((f) => f.x2)) + margin));
  const bottom = Math.min(height, Math.ceil(Math.max(...faces.map((f) => f.y2)) + margin));
  const halfWidth = Math.round(width / 2);
  const jpeg = await sharp(path).jpeg({ quality: 25 }).toBuffer();
  return [
    { kind: 'flip', image: await raw(sharp(path).flop()), map: (x, y) => ({ x: width - x, y }) },
    { kind: 'crop', image: await raw(sharp(path).extract({ left, top, width: right - left, height: bottom - top })), map: (x, y) => ({ x: x - left, y: y - top }) },
    { kind: 'half-size', image: await raw(sharp(path).resize({ width: halfWidth })), map: (x, y) => ({ x: (x * halfWidth) / width, y: (y * halfWidth) / width }) },
    { kind: 'jpeg-q25', image: await raw(sharp(jpeg)), map: (x, y) => ({ x, y }) },
    { kind: 'brighter', image: await raw(sharp(path).modulate({ brightness: 1.3 })), map: (x, y) => ({ x, y }) },
  ];
}

/** Index of the box whose centre is nearest `point`, if within half the reference box's width. */
export function nearestBox(boxes: readonly Box[], point: { x: number; y: number }, reach: number): number | undefined {
  let best: number | undefined;
  let bestDistance = reach;
  boxes.forEach((b, i) => {
    const distance = Math.hypot((b.x1 + b.x2) / 2 - point.x, (b.y1 + b.y2) / 2 - point.y);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  });
  return best;
}
