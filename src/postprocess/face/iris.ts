/**
 * Iris refinement of a FaceMesh, as @vladmandic/human does it (after MediaPipe's iris
 * pipeline): a square crop around each eye's corners, the Iris model's 71 eye-contour and 5 iris
 * points mapped back into the mesh crop, eye contours replaced (both eyes when the face looks
 * ahead, one eye's lids otherwise) and the irises appended as points 468–477.
 */
import { faceCrop, type FaceCrop } from './face-roi';
import { LEFT_EYE_IRIS_MESH, LEFT_EYE_IRIS_POINTS, RIGHT_EYE_IRIS_MESH, RIGHT_EYE_IRIS_POINTS } from './face-mesh-data';

/** Points per eye in the Iris model's output: 71 contour points, then 5 iris points. @example `const bothEyes = new Float32Array(2 * IRIS_MODEL_POINTS * 3); // x, y, z per point` */
export const IRIS_MODEL_POINTS = 76;
const CONTOUR_POINTS = 71;
/** Eye corners (inner/outer ends of the lower lid) of the person's right and left eye. */
const RIGHT_EYE_CORNERS = [33, 133] as const;
const LEFT_EYE_CORNERS = [263, 362] as const;
/** Within the *_EYE_IRIS_* tables: the entries of the lids closest to the eye (upper 0, lower 0). */
const LIDS = [0, 1, 2, 3, 4, 5, 6, 21, 22, 23, 24, 25, 26, 27, 28, 29];
/** Eye depth difference (mesh-input units) below which the face looks ahead and both eyes are refined. */
const AHEAD_DEPTH = 30;

/**
 * The two eye crops of a mesh, in mesh-input pixels: the person's right eye (not mirrored) and
 * left eye (mirrored before the Iris model, which was trained on one side).
 *
 * @example
 * ```ts
 * const { right, left } = eyeCrops(rawMesh, 2.3);
 * ```
 */
export function eyeCrops(mesh: ArrayLike<number>, scale = 2.3): { right: FaceCrop; left: FaceCrop } {
  const around = ([a, b]: readonly [number, number]): FaceCrop =>
    faceCrop([Math.min(mesh[a * 3], mesh[b * 3]), Math.min(mesh[a * 3 + 1], mesh[b * 3 + 1]), Math.max(mesh[a * 3], mesh[b * 3]), Math.max(mesh[a * 3 + 1], mesh[b * 3 + 1])], scale);
  return { right: around(RIGHT_EYE_CORNERS), left: around(LEFT_EYE_CORNERS) };
}

/** The Iris model's 76 points of one eye in mesh-input pixels (un-mirroring a mirrored crop). */
function eyeToMesh(eye: ArrayLike<number>, crop: FaceCrop, irisSize: number, mirrored: boolean): Float32Array {
  const out = new Float32Array(IRIS_MODEL_POINTS * 3);
  const w = crop.x2 - crop.x1;
  const h = crop.y2 - crop.y1;
  for (let i = 0; i < IRIS_MODEL_POINTS; i++) {
    const u = eye[i * 3] / irisSize;
    out[i * 3] = (mirrored ? 1 - u : u) * w + crop.x1;
    out[i * 3 + 1] = (eye[i * 3 + 1] / irisSize) * h + crop.y1;
    out[i * 3 + 2] = eye[i * 3 + 2];
  }
  return out;
}

function replace(mesh: Float32Array, eye: Float32Array, meshIndices: readonly number[], eyeIndices: readonly number[], only?: readonly number[]): void {
  for (const k of only ?? meshIndices.keys()) {
    const m = meshIndices[k] * 3;
    const e = eyeIndices[k] * 3;
    mesh[m] = eye[e];
    mesh[m + 1] = eye[e + 1];
    mesh[m + 2] = (eye[e + 2] + mesh[m + 2]) / 2;
  }
}

/** The 5 iris points with depth taken from the lids around them (the model's own z is unreliable). */
function irisPoints(mesh: Float32Array, eye: Float32Array, upper: number, lower: number): number[] {
  const upperZ = mesh[upper * 3 + 2];
  const lowerZ = mesh[lower * 3 + 2];
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    const z = i === 2 ? upperZ : i === 4 ? lowerZ : (upperZ + lowerZ) / 2;
    out.push(eye[(CONTOUR_POINTS + i) * 3], eye[(CONTOUR_POINTS + i) * 3 + 1], z);
  }
  return out;
}

/**
 * Merges the Iris model's output into a 468-point mesh (N × 3 flat, mesh-input pixels): returns
 * 478 points — eye contours refined, then the person's right iris (468 centre, 469–472 edge) and
 * left iris (473 centre, 474–477), MediaPipe's refined layout. `rightEye` and `leftEye` are the
 * model's 76 × 3 values for each crop of {@link eyeCrops}; `irisSize` its input size (64).
 *
 * @example
 * ```ts
 * const refined = mergeIris(rawMesh, out.slice(0, 228), out.slice(228), eyeCrops(rawMesh), 64);
 * ```
 */
export function mergeIris(mesh: ArrayLike<number>, rightEye: ArrayLike<number>, leftEye: ArrayLike<number>, crops: { right: FaceCrop; left: FaceCrop }, irisSize: number): Float32Array {
  const out = new Float32Array(478 * 3);
  out.set(Array.prototype.slice.call(mesh, 0, 468 * 3) as number[]);
  const right = eyeToMesh(rightEye, crops.right, irisSize, false);
  const left = eyeToMesh(leftEye, crops.left, irisSize, true);
  const depthDifference = out[LEFT_EYE_CORNERS[0] * 3 + 2] - out[RIGHT_EYE_CORNERS[0] * 3 + 2];
  if (Math.abs(depthDifference) < AHEAD_DEPTH) {
    replace(out, left, LEFT_EYE_IRIS_MESH, LEFT_EYE_IRIS_POINTS);
    replace(out, right, RIGHT_EYE_IRIS_MESH, RIGHT_EYE_IRIS_POINTS);
  } else if (depthDifference < 1) {
    replace(out, left, LEFT_EYE_IRIS_MESH, LEFT_EYE_IRIS_POINTS, LIDS);
  } else {
    replace(out, right, RIGHT_EYE_IRIS_MESH, RIGHT_EYE_IRIS_POINTS, LIDS);
  }
  // upper-lid centre (index 3 of upper 0) and lower-lid centre (index 4 of lower 0) of each eye
  out.set(irisPoints(out, right, RIGHT_EYE_IRIS_MESH[3], RIGHT_EYE_IRIS_MESH[21 + 4]), 468 * 3);
  out.set(irisPoints(out, left, LEFT_EYE_IRIS_MESH[3], LEFT_EYE_IRIS_MESH[21 + 4]), 473 * 3);
  return out;
}
