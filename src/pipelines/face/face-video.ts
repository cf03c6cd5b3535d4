/**
 * Video-mode state of a face-landmarks pipeline: each tracked face's crop for the next frame
 * (from its mesh, so the detector runs only to find new faces), its ID, and One-Euro smoothing
 * of its points.
 */
import { iou } from '../../postprocess/nms/iou';
import { type FaceCrop, eyeLineRotation, faceCrop, turnedCrop } from '../../postprocess/face/face-roi';
import { OneEuroBank, type OneEuroOptions, checkOneEuroOptions } from '../../track/one-euro';
import { sameShape } from '../shared/frame-shape';
import { takeBestOverlap } from '../shared/take-best-overlap';
import type { FaceCandidate } from './face-stages';
import type { Face, FacePoint } from './face-types';

/**
 * The box the points span (NaN coordinates left out).
 *
 * @example
 * ```ts
 * boxOfPoints([{ x: 1, y: 2, z: 0 }, { x: 5, y: 3, z: 0 }]); // { x1: 1, y1: 2, x2: 5, y2: 3 }
 * ```
 */
export function boxOfPoints(points: readonly FacePoint[]): Face['box'] {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { x, y } of points) {
    if (x < x1) x1 = x;
    if (x > x2) x2 = x;
    if (y < y1) y1 = y;
    if (y > y2) y2 = y;
  }
  return { x1, y1, x2, y2 };
}

/** Default One-Euro settings of face points (0–1 image units). @example `new KeypointSmoother(DEFAULT_FACE_SMOOTHING)` */
export const DEFAULT_FACE_SMOOTHING: Readonly<OneEuroOptions> = /* @__PURE__ */ Object.freeze({ minCutoff: 1, beta: 20, dCutoff: 1 });

/**
 * The next frame's crop is the mesh's extent enlarged by this: the size of the detector's crops
 * relative to the meshes found in them (median 1.55 over the 17 faces of the face-api group
 * photos), so a tracked face is seen at the scale the detector would give it.
 */
const NEXT_CROP_SCALE = 1.55;
/** FaceMesh points at the outer corners of the person's right and left eye (MediaPipe's face ROI uses their line). */
const MESH_RIGHT_EYE_OUTER = 33;
const MESH_LEFT_EYE_OUTER = 263;
/** A detection overlapping a tracked crop by more than this is that face again. */
const SAME_FACE_IOU = 0.3;
/** While fewer faces than asked are tracked, the detector looks for new ones every this many frames. */
const REDETECT_FRAMES = 10;

interface Track {
  id: number;
  crop: FaceCrop;
  score: number;
  /** One-Euro filters of x and y per point (0–1 image units: x of point i at 2i, y at 2i + 1), made on first use. */
  filters?: OneEuroBank;
}

const asBox = (c: FaceCrop): number[] => [c.x1, c.y1, c.x2, c.y2];

/** A face candidate in video mode: the crop and, for a tracked face, its track ID. @example `{ crop, detectorScore: 0.9, trackId: 1 }` */
export interface VideoCandidate extends FaceCandidate {
  trackId?: number;
}

/**
 * Carries faces from frame to frame. One instance per video stream: the pipeline's `reset()` makes a new one.
 *
 * @example
 * ```ts
 * const video = new FaceVideoState(DEFAULT_FACE_SMOOTHING);
 * const candidates = video.candidates(video.needsDetection(maxFaces) ? await detect() : undefined);
 * ```
 */
export class FaceVideoState {
  private tracks: Track[] = [];
  private lastId = 0;
  private sinceDetection = 0;
  /** The size of the frames the tracked crops are in (null before the first). */
  private size: { width: number; height: number } | null = null;

  /**
   * `rotate`: the next frame's crop is turned by the mesh's eye line (points 33 and 263, the
   * outer eye corners), as the detector's crops are with `rotateCrops`.
   *
   * @throws VisionError `INVALID_OPTION` for smoothing options out of range.
   */
  constructor(
    private readonly smoothing: OneEuroOptions | false,
    private readonly rotate = false,
  ) {
    if (smoothing !== false) checkOneEuroOptions(smoothing, 'smoothing');
  }

  /**
   * Takes the size of this frame: when it was scaled (a camera switching resolution, same
   * shape), the tracked crops are carried onto the new size (same place in 0–1 image units, as
   * the points are smoothed), so each face keeps its ID and filters instead of being cropped
   * where it is not. A frame of another shape (cropped or padded to 16:9, turned to portrait)
   * says nothing of where the faces went: the tracks are dropped and the detector looks again
   * (carried crops landed on other faces or a neck, whose mesh was kept as a face).
   *
   * @example
   * ```ts
   * video.frameSize(frame.width, frame.height);
   * ```
   */
  frameSize(width: number, height: number): void {
    const was = this.size;
    this.size = { width, height };
    if (!was || (was.width === width && was.height === height)) return;
    if (!sameShape(was, this.size)) {
      this.tracks = [];
      return;
    }
    const sx = width / was.width;
    const sy = height / was.height;
    for (const t of this.tracks) t.crop = { ...faceCrop([t.crop.x1 * sx, t.crop.y1 * sy, t.crop.x2 * sx, t.crop.y2 * sy], 1), rotation: t.crop.rotation };
  }

  /** Whether this frame should run the detector: nothing tracked, or room for more faces and time to look. @example `video.needsDetection(4)` */
  needsDetection(maxFaces: number): boolean {
    return this.tracks.length === 0 || (this.tracks.length < maxFaces && this.sinceDetection >= REDETECT_FRAMES);
  }

  /**
   * This frame's candidates: the tracked faces' crops, plus the detections (when the detector
   * ran) that do not overlap a tracked face.
   *
   * @example
   * ```ts
   * const candidates = video.candidates(detections);
   * ```
   */
  candidates(detections?: readonly FaceCandidate[]): VideoCandidate[] {
    this.sinceDetection = detections ? 0 : this.sinceDetection + 1;
    const tracked: VideoCandidate[] = this.tracks.map((t) => ({ crop: t.crop, detectorScore: t.score, trackId: t.id }));
    const fresh = (detections ?? []).filter((d) => tracked.every((t) => iou(asBox(d.crop), 0, asBox(t.crop), 0) <= SAME_FACE_IOU));
    return [...tracked, ...fresh];
  }

  /**
   * Candidates for a second look in a frame where a tracked face was lost before the detector
   * ran: the detections that do not overlap a face found this frame (`kept`, by its crop). A
   * detection that overlaps a lost face's crop carries that face's track ID (the face moved
   * further than its crop reached); the others are new faces.
   *
   * @example
   * ```ts
   * const retry = video.recover(await detect(), keptCandidates, lostCandidates);
   * ```
   */
  recover(detections: readonly FaceCandidate[], kept: readonly VideoCandidate[], lost: readonly VideoCandidate[]): VideoCandidate[] {
    this.sinceDetection = 0;
    const overlap = (a: FaceCrop, b: FaceCrop): number => iou(asBox(a), 0, asBox(b), 0);
    const unclaimed = [...lost];
    return detections
      .filter((d) => kept.every((c) => overlap(d.crop, c.crop) <= SAME_FACE_IOU))
      .map((d) => {
        const was = takeBestOverlap(unclaimed, (c) => overlap(d.crop, c.crop));
        return was ? { ...d, trackId: was.trackId } : d;
      });
  }

  /**
   * Takes this frame's faces (with the candidate each came from): gives new faces an ID, keeps
   * the tracks that were found again (dropping a track that now covers the same face as a
   * better one), smooths each face's points and remembers where to look next — for the best
   * `maxFaces` faces only, so that the next frame crops no more than are asked for.
   *
   * @example
   * ```ts
   * const faces = video.update(found, timestampMs, 640, 480, 4);
   * ```
   */
  update(found: ReadonlyArray<{ face: Face; candidate: VideoCandidate }>, timestampMs: number, width: number, height: number, maxFaces: number): Face[] {
    const previous = new Map(this.tracks.map((t) => [t.id, t]));
    const next: Track[] = [];
    const faces: Face[] = [];
    const ordered = [...found].sort((a, b) => b.face.score - a.face.score);
    for (const { face, candidate } of ordered) {
      if (next.length === maxFaces) break;
      const crop = this.nextCrop(face);
      if (next.some((t) => iou(asBox(t.crop), 0, asBox(crop), 0) > SAME_FACE_IOU)) continue;
      const known = candidate.trackId !== undefined ? previous.get(candidate.trackId) : undefined;
      const track: Track = known ?? { id: ++this.lastId, crop, score: candidate.detectorScore };
      track.crop = crop;
      next.push(track);
      this.smooth(track, face, timestampMs, width, height);
      // the box spans the points returned: the smoothed ones
      faces.push({ ...face, box: this.smoothing === false ? face.box : boxOfPoints(face.points), trackId: track.id });
    }
    this.tracks = next;
    return faces;
  }

  /** Where to look for the face in the next frame: around its (unsmoothed) points, upright or turned by its eye line. */
  private nextCrop(face: Face): FaceCrop {
    const { x1, y1, x2, y2 } = face.box; // the extent of the (unsmoothed) points
    const [right, left] = [face.points[MESH_RIGHT_EYE_OUTER], face.points[MESH_LEFT_EYE_OUTER]];
    if (!this.rotate || !right || !left) return faceCrop([x1, y1, x2, y2], NEXT_CROP_SCALE);
    return turnedCrop(face.points, eyeLineRotation(right.x, right.y, left.x, left.y), NEXT_CROP_SCALE);
  }

  /** Smooths the face's points in place (they are this frame's own objects), in 0–1 image units. */
  private smooth(track: Track, face: Face, timestampMs: number, width: number, height: number): void {
    const options = this.smoothing;
    if (options === false) return;
    const { points } = face;
    if (track.filters?.size !== 2 * points.length) track.filters = new OneEuroBank(2 * points.length, options);
    const filters = track.filters;
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
        filters.restart(2 * i);
        filters.restart(2 * i + 1);
        continue;
      }
      p.x = filters.filter(2 * i, p.x / width, timestampMs) * width;
      p.y = filters.filter(2 * i + 1, p.y / height, timestampMs) * height;
    }
  }
}
