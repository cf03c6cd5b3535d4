/**
 * FaceMesh-with-attention refinement (MediaPipe `TensorsToFaceLandmarksWithAttention`): the
 * model's separate lip, eye and iris outputs replace their mesh points (keeping the mesh's
 * depth) and add the irises as points 468–477.
 */
import { VisionError } from '../../core/errors';
import { LEFT_EYE_REFINEMENT, LIPS_REFINEMENT, RIGHT_EYE_REFINEMENT } from './face-mesh-data';

/**
 * The attention model's refinement outputs, each flat (x, y) pairs in model-input pixels: 80 lip
 * points, 71 points per eye and 5 per iris (centre first), sides of the person.
 *
 * @example
 * ```ts
 * const parts: AttentionParts = { lips, rightEye, leftEye, rightIris, leftIris };
 * ```
 */
export interface AttentionParts {
  lips: ArrayLike<number>;
  rightEye: ArrayLike<number>;
  leftEye: ArrayLike<number>;
  rightIris: ArrayLike<number>;
  leftIris: ArrayLike<number>;
}

function replaceXy(mesh: Float32Array, points: ArrayLike<number>, indices: readonly number[], what: string): void {
  if (points.length !== indices.length * 2) throw new VisionError('MODEL_FORMAT', `attention output '${what}' has ${points.length} values; expected ${indices.length * 2}`);
  indices.forEach((m, i) => {
    mesh[m * 3] = points[i * 2];
    mesh[m * 3 + 1] = points[i * 2 + 1];
  });
}

function iris(mesh: Float32Array, points: ArrayLike<number>, depthFrom: readonly number[], at: number, what: string): void {
  if (points.length !== 10) throw new VisionError('MODEL_FORMAT', `attention output '${what}' has ${points.length} values; expected 10`);
  const z = depthFrom.reduce((sum, m) => sum + mesh[m * 3 + 2], 0) / depthFrom.length;
  for (let i = 0; i < 5; i++) mesh.set([points[i * 2], points[i * 2 + 1], z], (at + i) * 3);
}

/**
 * Refines a 468-point mesh (N × 3 flat, model-input pixels) with the attention outputs: returns
 * 478 points (MediaPipe's refined layout: 468–472 the person's right iris, 473–477 the left).
 * Iris depth is the mean depth of that eye's points.
 *
 * @throws VisionError `MODEL_FORMAT` when a part has the wrong number of values.
 *
 * @example
 * ```ts
 * const refined = refineWithAttention(rawMesh, parts);
 * ```
 */
export function refineWithAttention(mesh: ArrayLike<number>, parts: AttentionParts): Float32Array {
  if (mesh.length < 468 * 3) throw new VisionError('MODEL_FORMAT', `attention mesh has ${mesh.length} values; expected 1404`);
  const out = new Float32Array(478 * 3);
  out.set(Array.prototype.slice.call(mesh, 0, 468 * 3) as number[]);
  iris(out, parts.rightIris, RIGHT_EYE_REFINEMENT, 468, 'rightIris');
  iris(out, parts.leftIris, LEFT_EYE_REFINEMENT, 473, 'leftIris');
  replaceXy(out, parts.rightEye, RIGHT_EYE_REFINEMENT, 'rightEye');
  replaceXy(out, parts.leftEye, LEFT_EYE_REFINEMENT, 'leftEye');
  replaceXy(out, parts.lips, LIPS_REFINEMENT, 'lips');
  return out;
}
