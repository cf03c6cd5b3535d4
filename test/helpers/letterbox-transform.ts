import type { InputTransform } from '../../src/core/types';

/**
 * The transform of an Ultralytics letterbox of `w×h` into a `size` square (the YOLO-seg golden
 * fixtures' geometry, scripts/make_mask_fixtures.py).
 */
export function letterboxTransform(w: number, h: number, size: number): InputTransform {
  const r = Math.min(size / h, size / w);
  const padX = Math.round((size - Math.round(w * r)) / 2 - 0.1);
  const padY = Math.round((size - Math.round(h * r)) / 2 - 0.1);
  return { sourceWidth: w, sourceHeight: h, inputWidth: size, inputHeight: size, scaleX: r, scaleY: r, padX, padY, cropX: 0, cropY: 0 };
}
