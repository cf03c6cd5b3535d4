import type { Mask } from '../../src/core/mask';

/**
 * The bounding box of a mask's set pixels (value ≥ 128 of `toUint8Array()`), as
 * `[x1, y1, x2, y2]` with exclusive ends, or `null` for an empty mask.
 *
 * @example
 * const extent = maskExtent(mask); // e.g. [120, 40, 180, 160]
 */
export function maskExtent(mask: Mask): [number, number, number, number] | null {
  const values = mask.toUint8Array();
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if (values[y * mask.width + x] < 128) continue;
      x1 = Math.min(x1, x);
      y1 = Math.min(y1, y);
      x2 = Math.max(x2, x + 1);
      y2 = Math.max(y2, y + 1);
    }
  }
  return x1 === Infinity ? null : [x1, y1, x2, y2];
}
