/**
 * BlazePose's person mask: the landmark model's segmentation output covers its (turned) crop;
 * this maps it back onto the image, as MediaPipe's pose graph does (an inverse warp, bilinear,
 * zero outside the crop).
 */
import { Mask } from '../../core/mask';
import { type RotatedRegion, rotatedRegionAffine, rotatedRegionBounds } from '../../preprocess/rotated-region';

/**
 * The crop's segmentation plane (`planeWidth` × `planeHeight` probabilities, row-major, sampled
 * from `region` with the corner-aligned map) as a `probability` {@link Mask} at the image's size:
 * each image pixel reads the plane bilinearly where the crop saw it (neighbours outside the plane
 * count as 0), and is 0 where the crop did not reach. The mask's bounds are the crop's box on
 * the image. The caller owns the mask.
 *
 * @example
 * ```ts
 * const mask = segmentationOnImage(out.Identity_1.data as Float32Array, 256, 256, roi, 1920, 1080);
 * ```
 */
export function segmentationOnImage(plane: Float32Array, planeWidth: number, planeHeight: number, region: RotatedRegion, imageWidth: number, imageHeight: number): Mask {
  // crop index → image index, and its inverse
  const [a, b, c, d, e, f] = rotatedRegionAffine(region, planeWidth, planeHeight, 'corners');
  const det = a * e - b * d;
  const [ia, ib, id, ie] = [e / det, -b / det, -d / det, a / det];
  // one plane pixel of margin: bilinear reads reach that far past the crop's edge
  const margin = { ...region, width: region.width * (1 + 2 / planeWidth), height: region.height * (1 + 2 / planeHeight) };
  const box = rotatedRegionBounds(margin, imageWidth, imageHeight);
  const x0 = Math.max(0, Math.floor(box.xMin * imageWidth));
  const y0 = Math.max(0, Math.floor(box.yMin * imageHeight));
  const x1 = Math.min(imageWidth, Math.ceil(box.xMax * imageWidth));
  const y1 = Math.min(imageHeight, Math.ceil(box.yMax * imageHeight));
  if (!(x1 > x0 && y1 > y0)) return Mask.create('probability', imageWidth, imageHeight, new Float32Array(1), { x: 0, y: 0, width: 1, height: 1 });
  const width = x1 - x0;
  const height = y1 - y0;
  const data = new Float32Array(width * height);
  const read = (row: number, col: number): number => (row >= 0 && row < planeHeight && col >= 0 && col < planeWidth ? plane[row * planeWidth + col] : 0);
  for (let y = 0; y < height; y++) {
    const dy = y0 + y - f;
    for (let x = 0; x < width; x++) {
      const dx = x0 + x - c;
      const j = ia * dx + ib * dy;
      const i = id * dx + ie * dy;
      if (!(j > -1 && j < planeWidth && i > -1 && i < planeHeight)) continue;
      const jf = Math.floor(j);
      const if0 = Math.floor(i);
      const wx = j - jf;
      const wy = i - if0;
      const top = (1 - wx) * read(if0, jf) + wx * read(if0, jf + 1);
      const bottom = (1 - wx) * read(if0 + 1, jf) + wx * read(if0 + 1, jf + 1);
      data[y * width + x] = (1 - wy) * top + wy * bottom;
    }
  }
  return Mask.create('probability', imageWidth, imageHeight, data, { x: x0, y: y0, width, height });
}
