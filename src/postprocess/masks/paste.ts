/**
 * Mask R-CNN mask assembly: pasting each instance's small (28×28) mask into its box on the
 * full image, exactly as torchvision's `paste_masks_in_image`.
 */
import { VisionError } from '../../core/errors';
import { Mask } from '../../core/mask';
import { optionNames } from '../../core/known-options';
import { checkOptionNames } from '../validate';
import { type SparsePlane, resizeSparse, thresholdSparse } from './bilinear';

const f32 = Math.fround;

/**
 * Instance masks as a model returns them: `[N, 1, M, M]` (or `[N, M, M]`) probabilities —
 * Mask R-CNN's per-box 28×28 masks, or masks already pasted at the image size.
 *
 * @example
 * ```ts
 * const masks: InstanceMaskTensor = { dims: [3, 1, 28, 28], data: outputs.masks.data as Float32Array };
 * ```
 */
export interface InstanceMaskTensor {
  dims: readonly number[];
  data: ArrayLike<number>;
}

/** Options of {@link pasteMasks}. @example `pasteMasks(masks, boxes, 640, 480, { threshold: 0.5 })` */
export interface PasteMasksOptions {
  /** Pixels with probability above it are inside (torchvision users: `masks > 0.5`). Default 0.5. */
  threshold?: number;
  /** `binary` masks (default) or the pasted `probability` maps. */
  output?: 'binary' | 'probability';
  /** Zero padding around each mask before resizing (torchvision: 1). */
  padding?: number;
  /**
   * What the masks are: `'per-box'` (each pasted into its box) or `'image'` (already at the
   * image's size, taken as they are). Default: `'image'` when the masks have the image's size,
   * else `'per-box'` — say `'per-box'` when the image may be as small as the masks (a 28×28 image).
   */
  layout?: 'per-box' | 'image';
}

/**
 * Pastes one `M×M` mask into its xyxy box on a `imageWidth`×`imageHeight` image, as
 * torchvision 0.14's `paste_masks_in_image` for one instance: zero-pad by `padding`, grow the
 * box by `(M + 2·padding) / M` about its centre, truncate it to integers (`int64` cast, toward
 * zero), resize the padded mask to the integer box size (`x2 − x1 + 1`, at least 1) with
 * `F.interpolate(bilinear, align_corners=False)`, and clip to the image. All arithmetic is
 * float32 as in torch. Returns the probabilities over the clipped box (zero elsewhere); a box
 * wholly outside the image gives an empty plane (torchvision's indexing fails there).
 *
 * @example
 * ```ts
 * const plane = pasteMaskProbabilities(mask28, 28, [10, 20, 110, 220], 640, 480);
 * ```
 */
export function pasteMaskProbabilities(
  mask: Float32Array,
  size: number,
  box: ArrayLike<number>,
  imageWidth: number,
  imageHeight: number,
  padding = 1,
): SparsePlane {
  const padded: SparsePlane = { width: size + 2 * padding, height: size + 2 * padding, bounds: { x: padding, y: padding, width: size, height: size }, data: mask };
  const scale = f32((size + 2 * padding) / size);
  const [x1, y1, x2, y2] = [f32(box[0]), f32(box[1]), f32(box[2]), f32(box[3])];
  // a box that is not finite (a NaN from the model) covers nothing
  if (![x1, y1, x2, y2].every(Number.isFinite)) return { width: imageWidth, height: imageHeight, bounds: { x: 0, y: 0, width: 0, height: 0 }, data: new Float32Array(0) };
  const wHalf = f32(f32(f32(x2 - x1) * 0.5) * scale);
  const hHalf = f32(f32(f32(y2 - y1) * 0.5) * scale);
  const xc = f32(f32(x2 + x1) * 0.5);
  const yc = f32(f32(y2 + y1) * 0.5);
  const bx1 = Math.trunc(f32(xc - wHalf));
  const bx2 = Math.trunc(f32(xc + wHalf));
  const by1 = Math.trunc(f32(yc - hHalf));
  const by2 = Math.trunc(f32(yc + hHalf));
  const w = Math.max(bx2 - bx1 + 1, 1);
  const h = Math.max(by2 - by1 + 1, 1);
  const x0 = Math.max(bx1, 0);
  const xEnd = Math.min(bx2 + 1, imageWidth);
  const y0 = Math.max(by1, 0);
  const yEnd = Math.min(by2 + 1, imageHeight);
  if (xEnd <= x0 || yEnd <= y0) return { width: imageWidth, height: imageHeight, bounds: { x: 0, y: 0, width: 0, height: 0 }, data: new Float32Array(0) };
  const window = { x: x0 - bx1, y: y0 - by1, width: Math.min(xEnd - x0, w), height: Math.min(yEnd - y0, h) };
  const resized = resizeSparse(padded, w, h, window);
  return { width: imageWidth, height: imageHeight, bounds: { x: x0, y: y0, width: window.width, height: window.height }, data: resized.data };
}

function checkInputs(masks: InstanceMaskTensor, boxes: ArrayLike<number>, imageWidth: number, imageHeight: number, layout: PasteMasksOptions['layout']): { n: number; mh: number; mw: number; pasted: boolean } {
  const fn = 'pasteMasks';
  if (!Number.isInteger(imageWidth) || !Number.isInteger(imageHeight) || imageWidth <= 0 || imageHeight <= 0) {
    throw new VisionError('INVALID_INPUT', `${fn}: image size ${imageWidth}×${imageHeight} must be positive integers`);
  }
  const dims = masks?.dims ?? [];
  const ok = (dims.length === 4 && dims[1] === 1) || dims.length === 3;
  if (!ok) throw new VisionError('INVALID_INPUT', `${fn}: masks have shape [${dims.join(',')}]; expected [N, 1, M, M] or [N, M, M]`);
  const [n, mh, mw] = dims.length === 4 ? [dims[0], dims[2], dims[3]] : [dims[0], dims[1], dims[2]];
  if (masks.data.length !== n * mh * mw) throw new VisionError('INVALID_INPUT', `${fn}: ${masks.data.length} mask values for shape [${dims.join(',')}]`);
  if (boxes.length !== n * 4) throw new VisionError('INVALID_INPUT', `${fn}: ${boxes.length / 4} boxes for ${n} masks`);
  if (n > 0 && (mh === 0 || mw === 0)) throw new VisionError('INVALID_INPUT', `${fn}: masks of size ${mw}×${mh}; they need at least one pixel`);
  const imageSize = mh === imageHeight && mw === imageWidth;
  if (layout === 'image' && !imageSize) throw new VisionError('INVALID_INPUT', `${fn}: layout 'image' needs masks of the image's size ${imageWidth}×${imageHeight}; they are ${mw}×${mh}`);
  if (layout === 'per-box' && mh !== mw) throw new VisionError('INVALID_INPUT', `${fn}: layout 'per-box' needs square masks (e.g. 28×28); they are ${mw}×${mh}`);
  const pasted = layout === undefined ? imageSize : layout === 'image';
  if (!pasted && mh !== mw) {
    throw new VisionError('INVALID_INPUT', `${fn}: ${mw}×${mh} masks are neither square (per-box, e.g. 28×28) nor the image size ${imageWidth}×${imageHeight}`);
  }
  return { n, mh, mw, pasted };
}

const PASTE_OPTION_NAMES = /* @__PURE__ */ optionNames<PasteMasksOptions>()(['threshold', 'output', 'padding', 'layout']);

/**
 * Turns a Mask R-CNN `masks` output into one owned {@link Mask} per instance at the image's
 * size: `[N, 1, M, M]` per-box masks are pasted into their xyxy boxes (image pixels) exactly
 * as torchvision's `paste_masks_in_image` (see {@link pasteMaskProbabilities}); masks that
 * already have the image's size (`[N, 1, H, W]`, exports that paste inside the graph) are
 * taken as they are (`layout` says which where the image is as small as the masks). Then
 * `> threshold` (binary) unless `output: 'probability'`. Each mask
 * stores only its box region. Golden-tested against torchvision 0.14 on random masks and on a
 * real Mask R-CNN's masks.
 *
 * @throws VisionError `INVALID_INPUT` for shapes that do not fit, `INVALID_OPTION` for a bad threshold.
 * @example
 * ```ts
 * const masks = pasteMasks({ dims: out.masks.dims, data: out.masks.data as Float32Array }, boxes, image.width, image.height);
 * masks.forEach((m) => console.log(m.area()));
 * ```
 */
export function pasteMasks(
  masks: InstanceMaskTensor,
  boxes: ArrayLike<number>,
  imageWidth: number,
  imageHeight: number,
  options: PasteMasksOptions = {},
): Mask[] {
  checkOptionNames(options, 'pasteMasks', PASTE_OPTION_NAMES);
  if (options.output !== undefined && options.output !== 'binary' && options.output !== 'probability') {
    throw new VisionError('INVALID_OPTION', `pasteMasks: output is ${String(options.output)}; it must be 'binary' or 'probability'`);
  }
  const threshold = options.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) throw new VisionError('INVALID_OPTION', `pasteMasks: threshold is ${threshold}; it must be in [0, 1]`);
  const padding = options.padding ?? 1;
  if (!Number.isInteger(padding) || padding < 0) throw new VisionError('INVALID_OPTION', `pasteMasks: padding is ${padding}; it must be a non-negative integer`);
  const { layout } = options;
  if (layout !== undefined && layout !== 'per-box' && layout !== 'image') throw new VisionError('INVALID_OPTION', `pasteMasks: layout is ${String(layout)}; it must be 'per-box' or 'image'`);
  const { n, mh, mw, pasted } = checkInputs(masks, boxes, imageWidth, imageHeight, layout);
  const data = masks.data instanceof Float32Array ? masks.data : Float32Array.from(masks.data);
  const out: Mask[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const one = data.subarray(i * mh * mw, (i + 1) * mh * mw);
      const plane: SparsePlane = pasted
        ? { width: mw, height: mh, bounds: { x: 0, y: 0, width: mw, height: mh }, data: one }
        : pasteMaskProbabilities(one, mw, boxes instanceof Float32Array ? boxes.subarray(i * 4, i * 4 + 4) : Array.from({ length: 4 }, (_, k) => boxes[i * 4 + k]), imageWidth, imageHeight, padding);
      if (options.output === 'probability') {
        out.push(Mask.create('probability', imageWidth, imageHeight, plane.data.slice(), plane.bounds));
      } else {
        const binary = thresholdSparse(plane, threshold);
        out.push(Mask.create('binary', imageWidth, imageHeight, binary.data, binary.bounds));
      }
    }
  } catch (error) {
    for (const m of out) m.close();
    throw error;
  }
  return out;
}
