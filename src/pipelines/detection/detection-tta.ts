/**
 * Test-time augmentation of object detection: the image is also seen flipped and shrunk, and
 * each view's boxes are mapped back to the original frame before they are merged.
 */
import { knownOptions } from '../../core/known-options';
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { shownList, shownValue } from '../../core/shown-value';
import type { Keypoint } from '../../core/types';
import { MERGE_METHODS, type MergeMethod } from '../../postprocess/nms/merge-predictions';

/**
 * Test-time augmentation of a detector (Ultralytics-style `augment`): the image is run as it
 * is, horizontally flipped (`flip`) and shrunk (`scales`: each < 1 shrinks the picture into
 * the top-left of a frame of the original size filled with the card's pad value (YOLO's grey
 * 114; 0 for models whose letterbox pads with black), so objects look that much smaller to the
 * model); every view's boxes are mapped back to the original frame and merged.
 *
 * @example
 * ```ts
 * await detector.run(photo, { tta: { flip: true, scales: [1, 0.83] } }); // 4 views, merged by WBF
 * ```
 */
export interface DetectionTta {
  /** Also run the mirrored image. Default true. */
  flip?: boolean;
  /** Sizes to run the image at, each in (0, 1]; 1 is the original. Default [1]; at most 16. */
  scales?: readonly number[];
  /** How the views' boxes are merged. Default `'wbf'` (weighted boxes fusion). */
  merge?: MergeMethod;
  /** IoU for the merge, in [0, 1]. Default 0.55 for WBF, the pipeline's `iouThreshold` for NMS. */
  iouThreshold?: number;
}

/** Most `tta.scales` a detector takes (with `flip`, twice as many runs of the model). */
const MAX_SCALES = 16;

/** One augmented view: how it was made from the original image. @example `{ flip: true, scale: 0.83 }` */
export interface DetectionView {
  flip: boolean;
  scale: number;
}

/**
 * The views a {@link DetectionTta} asks for (scale by scale, unflipped then flipped), checked.
 *
 * @throws VisionError `INVALID_OPTION` naming the bad field and what is allowed.
 *
 * @example
 * ```ts
 * detectionViews({ flip: true, scales: [1, 0.8] }); // [{1,false}, {1,true}, {0.8,false}, {0.8,true}]
 * ```
 */
export function detectionViews(tta: DetectionTta): DetectionView[] {
  if (tta == null || typeof tta !== 'object') throw new VisionError('INVALID_OPTION', 'tta must be an object like { flip: true, scales: [1, 0.83] }');
  knownOptions(tta, 'tta', ['flip', 'scales', 'merge', 'iouThreshold']);
  const flip = tta.flip ?? true;
  if (typeof flip !== 'boolean') throw new VisionError('INVALID_OPTION', `tta.flip must be true or false; got ${String(flip)}`);
  const scales = tta.scales ?? [1];
  if (!Array.isArray(scales) || scales.length === 0 || scales.some((s) => typeof s !== 'number' || !(s > 0 && s <= 1))) {
    throw new VisionError('INVALID_OPTION', `tta.scales must be a non-empty array of numbers in (0, 1]; got ${shownList(scales)}`);
  }
  if (scales.length > MAX_SCALES) {
    throw new VisionError('INVALID_OPTION', `tta.scales has ${scales.length} scales; at most ${MAX_SCALES} are allowed (each one is a run of the model, two with flip)`);
  }
  if (tta.merge !== undefined && !MERGE_METHODS.includes(tta.merge)) {
    throw new VisionError('INVALID_OPTION', `tta.merge must be one of ${MERGE_METHODS.join(', ')}; got ${String(tta.merge)}`);
  }
  if (tta.iouThreshold !== undefined && !(typeof tta.iouThreshold === 'number' && tta.iouThreshold >= 0 && tta.iouThreshold <= 1)) {
    throw new VisionError('INVALID_OPTION', `tta.iouThreshold is ${shownValue(tta.iouThreshold)}; it must be a number in [0, 1]`);
  }
  const views = scales.flatMap((scale) => (flip ? [false, true] : [false]).map((f) => ({ flip: f, scale })));
  if (views.length < 2) throw new VisionError('INVALID_OPTION', 'tta asks for one view only (the original); set flip: true or add scales below 1');
  return views;
}

/** The shrunk size of an image side, at least one pixel. */
function shrunk(side: number, scale: number): number {
  return Math.max(1, Math.round(side * scale));
}

/**
 * The image as `view` sees it, same size as the original (a new tensor; `image` is left alone).
 *
 * @example
 * ```ts
 * const mirrored = renderDetectionView(image, { flip: true, scale: 1 });
 * ```
 */
export function renderDetectionView(image: tf.Tensor3D, view: DetectionView, padValue = 114): tf.Tensor3D {
  return tf.tidy(() => {
    const [h, w] = image.shape;
    const flipped = view.flip ? tf.reverse(image, 1) : tf.clone(image);
    if (view.scale === 1) return flipped;
    const [sh, sw] = [shrunk(h, view.scale), shrunk(w, view.scale)];
    const small = tf.image.resizeBilinear(flipped.toFloat(), [sh, sw], false, true);
    return tf.pad(small, [[0, h - sh], [0, w - sw], [0, 0]], padValue);
  });
}

/**
 * Maps boxes (flat xyxy, pixels of a `width`×`height` view of `view`) back to the original
 * image, in place: undo the shrink, then the mirror; clipped to the image.
 *
 * @example
 * ```ts
 * unmapDetectionView(boxes, { flip: true, scale: 1 }, 640, 480); // x → 640 - x
 * ```
 */
export function unmapDetectionView(boxes: Float32Array, view: DetectionView, width: number, height: number): Float32Array {
  const sx = shrunk(width, view.scale) / width;
  const sy = shrunk(height, view.scale) / height;
  for (let o = 0; o < boxes.length; o += 4) {
    let [x1, y1, x2, y2] = [boxes[o] / sx, boxes[o + 1] / sy, boxes[o + 2] / sx, boxes[o + 3] / sy];
    if (view.flip) [x1, x2] = [width - x2, width - x1];
    boxes[o] = Math.min(width, Math.max(0, x1));
    boxes[o + 1] = Math.min(height, Math.max(0, y1));
    boxes[o + 2] = Math.min(width, Math.max(0, x2));
    boxes[o + 3] = Math.min(height, Math.max(0, y2));
  }
  return boxes;
}

/** The mirror image of a keypoint name: `left eye` ↔ `right eye`, `leftEar` ↔ `rightEar`; others unchanged. */
function mirroredName(name: string): string {
  const swap: Record<string, string> = { left: 'right', right: 'left', Left: 'Right', Right: 'Left', LEFT: 'RIGHT', RIGHT: 'LEFT' };
  return name.replace(/left|right|Left|Right|LEFT|RIGHT/g, (side) => swap[side]);
}

/**
 * Maps a detection's keypoints (pixels of a `width`×`height` view of `view`) back to the
 * original image, as {@link unmapDetectionView} maps its box. In a mirrored view the model's
 * "right eye" is the original's left eye: named keypoints then swap with their mirror-image
 * names (`left …` ↔ `right …`), so each name keeps meaning the same side of the face.
 *
 * @example
 * ```ts
 * unmapDetectionKeypoints([{ x: 100, y: 50, name: 'right eye' }, { x: 140, y: 50, name: 'left eye' }], { flip: true, scale: 1 }, 640, 480);
 * // [{ x: 500, y: 50, name: 'right eye' }, { x: 540, y: 50, name: 'left eye' }]
 * ```
 */
export function unmapDetectionKeypoints(points: readonly Keypoint[], view: DetectionView, width: number, height: number): Keypoint[] {
  const sx = shrunk(width, view.scale) / width;
  const sy = shrunk(height, view.scale) / height;
  const mapped = points.map((p) => ({ ...p, x: view.flip ? width - p.x / sx : p.x / sx, y: p.y / sy }));
  if (!view.flip) return mapped;
  const byName = new Map(mapped.map((p) => [p.name, p]));
  return mapped.map((p) => {
    const twin = p.name === undefined ? undefined : byName.get(mirroredName(p.name));
    return twin && twin !== p ? { ...twin, name: p.name } : p;
  });
}
