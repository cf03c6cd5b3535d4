/**
 * Mapping masks that are aligned with the model input (letterboxed or stretched) back onto the
 * original image: the letterbox bars cut off (as Ultralytics' `scale_masks` for its masks,
 * from the SDK's letterbox geometry for the others), then resized.
 */
import type { InputTransform } from '../../core/types';
import { roundHalfEven } from '../../core/round-half-even';
import { type SparsePlane, resizeSparse } from './bilinear';

/**
 * The part of a `maskWidth`×`maskHeight` model-input-aligned mask that shows the image, as
 * Ultralytics `scale_masks` computes it for a centred letterbox; the whole mask for a stretched
 * (non-uniform) input. `pads`: `rounded` (today's Ultralytics, the pads its `LetterBox` adds:
 * `round(pad ∓ 0.1)` of half of `size − round(side · gain)`) or `truncated` (releases before
 * 8.3.152: `int()` of the pads, which can cut one row or column of bar into the image).
 *
 * @example
 * ```ts
 * const { top, left, bottom, right } = contentRegion(640, 640, transform, 'rounded');
 * ```
 */
export function contentRegion(maskWidth: number, maskHeight: number, t: InputTransform, pads: 'rounded' | 'truncated'): { top: number; left: number; bottom: number; right: number } {
  if (Math.abs(t.scaleX - t.scaleY) > 1e-6 * Math.max(t.scaleX, t.scaleY)) return { top: 0, left: 0, bottom: maskHeight, right: maskWidth };
  const gain = Math.min(maskHeight / t.sourceHeight, maskWidth / t.sourceWidth);
  if (pads === 'truncated') {
    const padW = (maskWidth - t.sourceWidth * gain) / 2;
    const padH = (maskHeight - t.sourceHeight * gain) / 2;
    return { top: Math.trunc(padH), left: Math.trunc(padW), bottom: Math.trunc(maskHeight - padH), right: Math.trunc(maskWidth - padW) };
  }
  const padW = (maskWidth - roundHalfEven(t.sourceWidth * gain)) / 2;
  const padH = (maskHeight - roundHalfEven(t.sourceHeight * gain)) / 2;
  return { top: roundHalfEven(padH - 0.1), left: roundHalfEven(padW - 0.1), bottom: maskHeight - roundHalfEven(padH + 0.1), right: maskWidth - roundHalfEven(padW + 0.1) };
}

/**
 * The part of a `maskWidth`×`maskHeight` model-input-aligned mask that shows the image, from the
 * SDK's own letterbox geometry (`fitGeometry`: the image at `padX, padY`, `round(side · gain)`
 * pixels wide and high), scaled to the mask's resolution; the whole mask for a stretched input.
 * Ultralytics' masks use {@link contentRegion}.
 *
 * @example
 * ```ts
 * const { top, left, bottom, right } = letterboxContent(256, 256, transform);
 * ```
 */
export function letterboxContent(maskWidth: number, maskHeight: number, t: InputTransform): { top: number; left: number; bottom: number; right: number } {
  if (Math.abs(t.scaleX - t.scaleY) > 1e-6 * Math.max(t.scaleX, t.scaleY)) return { top: 0, left: 0, bottom: maskHeight, right: maskWidth };
  const sx = maskWidth / t.inputWidth;
  const sy = maskHeight / t.inputHeight;
  const width = Math.max(1, roundHalfEven(t.sourceWidth * t.scaleX));
  const height = Math.max(1, roundHalfEven(t.sourceHeight * t.scaleY));
  const left = Math.round(t.padX * sx);
  const top = Math.round(t.padY * sy);
  return { top, left, bottom: Math.max(top + 1, Math.round((t.padY + height) * sy)), right: Math.max(left + 1, Math.round((t.padX + width) * sx)) };
}

/**
 * `plane[top:bottom, left:right]` as a plane of its own (logical size of the crop). Where the
 * crop holds every stored value, the result shares the plane's `data`.
 *
 * @example
 * ```ts
 * const content = cropPlane(plane, contentRegion(plane.width, plane.height, transform));
 * ```
 */
export function cropPlane(plane: SparsePlane, c: { top: number; left: number; bottom: number; right: number }): SparsePlane {
  const w = c.right - c.left;
  const h = c.bottom - c.top;
  const b = plane.bounds;
  const x0 = Math.max(b.x, c.left);
  const y0 = Math.max(b.y, c.top);
  const x1 = Math.min(b.x + b.width, c.right);
  const y1 = Math.min(b.y + b.height, c.bottom);
  if (x1 <= x0 || y1 <= y0) return { width: w, height: h, bounds: { x: 0, y: 0, width: 0, height: 0 }, data: new Float32Array(0) };
  // the crop is the whole stored plane: its values as they are (no copy)
  if (x0 === b.x && y0 === b.y && x1 === b.x + b.width && y1 === b.y + b.height) return { width: w, height: h, bounds: { x: x0 - c.left, y: y0 - c.top, width: x1 - x0, height: y1 - y0 }, data: plane.data };
  const data = new Float32Array((x1 - x0) * (y1 - y0));
  for (let r = y0; r < y1; r++) data.set(plane.data.subarray((r - b.y) * b.width + (x0 - b.x), (r - b.y) * b.width + (x1 - b.x)), (r - y0) * (x1 - x0));
  return { width: w, height: h, bounds: { x: x0 - c.left, y: y0 - c.top, width: x1 - x0, height: y1 - y0 }, data };
}

/**
 * A probability plane aligned with the model input (`inputWidth`×`inputHeight`) mapped onto
 * the original image: the letterbox bars cut off (`scale_masks`), then a bilinear resize
 * (`align_corners=False`) to `sourceWidth`×`sourceHeight`, computed only where the plane
 * has data. A plane coarser than the input with letterbox bars to cut (a stride-8 map of a
 * letterboxed photo) is first resized to the input's size, as MMSegmentation does (resize to the
 * padded input, crop the pad, resize to the image): cut at whole cells of its own, class edges
 * moved by up to half a cell.
 *
 * @example
 * ```ts
 * const inFrame = inputPlaneToSource(personProbability, transform);
 * ```
 */
export function inputPlaneToSource(plane: SparsePlane, transform: InputTransform): SparsePlane {
  const { inputWidth, inputHeight } = transform;
  const content = letterboxContent(inputWidth, inputHeight, transform);
  const bars = content.left > 0 || content.top > 0 || content.right < inputWidth || content.bottom < inputHeight;
  const coarse = plane.width !== inputWidth || plane.height !== inputHeight;
  const aligned = bars && coarse ? resizeSparse(plane, inputWidth, inputHeight) : plane;
  const cropped = cropPlane(aligned, letterboxContent(aligned.width, aligned.height, transform));
  return resizeSparse(cropped, transform.sourceWidth, transform.sourceHeight);
}
