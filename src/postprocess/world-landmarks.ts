/**
 * World landmarks (MediaPipe's metric 3-D landmarks: metres about the body part's centre) from a
 * model that saw a rotated crop: their x and y are along the crop's axes and are turned into the
 * image's axes by the crop's rotation — MediaPipe's world-landmark projection. Nothing is scaled
 * or moved: world landmarks stay in metres whatever the crop's size and place.
 */
import { VisionError } from '../core/errors';

/**
 * The first `count` landmarks of `values` (x, y, z triples) with x and y turned by `rotation`
 * radians (clockwise on the screen, y down: the crop's rotation), z unchanged.
 *
 * @throws VisionError `INVALID_INPUT` when `values` has fewer than `count` × 3 values or `rotation` is not finite.
 *
 * @example
 * ```ts
 * const metres = turnWorldLandmarks(out.world_3d.data, 33, roi.rotation);
 * ```
 */
export function turnWorldLandmarks(values: ArrayLike<number>, count: number, rotation: number): Float32Array {
  if (!(values.length >= count * 3)) throw new VisionError('INVALID_INPUT', `world landmarks: expected at least ${count} × 3 = ${count * 3} values; got ${values.length}`);
  if (!Number.isFinite(rotation)) throw new VisionError('INVALID_INPUT', `world landmarks: the rotation must be a finite number of radians; got ${rotation}`);
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  const turned = new Float32Array(count * 3);
  for (let k = 0; k < count * 3; k += 3) {
    turned[k] = cos * values[k] - sin * values[k + 1];
    turned[k + 1] = sin * values[k] + cos * values[k + 1];
    turned[k + 2] = values[k + 2];
  }
  return turned;
}
