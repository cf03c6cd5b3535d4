/**
 * Connection tables of MediaPipe's face mesh for drawing: the tessellation and the contours
 * (lips, eyes, eyebrows, face oval, irises) as `[from, to]` point-index pairs. Data from
 * MediaPipe's `face_mesh_connections.py` (Apache-2.0); see face-mesh-data.ts.
 */
import {
  FACE_OVAL_EDGES,
  LEFT_EYEBROW_EDGES,
  LEFT_EYE_EDGES,
  LEFT_IRIS_EDGES,
  LIPS_EDGES,
  RIGHT_EYEBROW_EDGES,
  RIGHT_EYE_EDGES,
  RIGHT_IRIS_EDGES,
  TESSELATION_EDGES,
} from './face-mesh-data';

/** A line between two mesh points (indices into `face.points`). @example `const [from, to]: FaceConnection = [10, 338];` */
export type FaceConnection = readonly [number, number];

function pairs(flat: readonly number[]): readonly FaceConnection[] {
  const out: FaceConnection[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push(Object.freeze([flat[i], flat[i + 1]] as const));
  return Object.freeze(out);
}

/**
 * The named parts of the face mesh. `leftEye`, `leftIris`, … are the person's left (the
 * image's right for a face turned to the camera); iris parts need 478 points.
 *
 * @example
 * ```ts
 * const part: FaceMeshPart = 'lips';
 * ```
 */
export type FaceMeshPart = 'tesselation' | 'lips' | 'leftEye' | 'rightEye' | 'leftEyebrow' | 'rightEyebrow' | 'faceOval' | 'leftIris' | 'rightIris';

/**
 * MediaPipe's face-mesh connections by part: `tesselation` (1322 edges of the 468-point
 * triangle mesh, each undirected edge once), `lips`, `leftEye`, `rightEye`, `leftEyebrow`,
 * `rightEyebrow`, `faceOval`, and `leftIris`/`rightIris` (points 468–477).
 *
 * @example
 * ```ts
 * for (const [a, b] of FACE_MESH_CONNECTIONS.faceOval) line(face.points[a], face.points[b]);
 * ```
 */
export const FACE_MESH_CONNECTIONS: Readonly<Record<FaceMeshPart, readonly FaceConnection[]>> = /* @__PURE__ */ Object.freeze({
  tesselation: pairs(TESSELATION_EDGES),
  lips: pairs(LIPS_EDGES),
  leftEye: pairs(LEFT_EYE_EDGES),
  rightEye: pairs(RIGHT_EYE_EDGES),
  leftEyebrow: pairs(LEFT_EYEBROW_EDGES),
  rightEyebrow: pairs(RIGHT_EYEBROW_EDGES),
  faceOval: pairs(FACE_OVAL_EDGES),
  leftIris: pairs(LEFT_IRIS_EDGES),
  rightIris: pairs(RIGHT_IRIS_EDGES),
});

/**
 * The contour parts (everything but the tessellation), MediaPipe's `FACEMESH_CONTOURS` plus the irises.
 *
 * @example
 * ```ts
 * for (const part of FACE_CONTOUR_PARTS) drawLines(FACE_MESH_CONNECTIONS[part]);
 * ```
 */
export const FACE_CONTOUR_PARTS: readonly FaceMeshPart[] = /* @__PURE__ */ Object.freeze(['lips', 'leftEye', 'rightEye', 'leftEyebrow', 'rightEyebrow', 'faceOval', 'leftIris', 'rightIris'] as FaceMeshPart[]);
