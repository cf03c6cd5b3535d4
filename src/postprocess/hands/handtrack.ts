/**
 * Decoding the HandTrack detector (victordibia/handtracking, an SSD MobileNet exported with the
 * TF Object Detection API): its pre-NMS tensors — boxes as normalised `(y1, x1, y2, x2)` per
 * anchor (`Postprocessor/ExpandDims_1`, `[1, N, 1, 4]`) and the sigmoid scores of its 7
 * classes (`Postprocessor/Slice`, `[1, N, 7]`, background already removed) — into hand
 * candidates, as `@vladmandic/human` reads them.
 */
import { VisionError } from '../../core/errors';
import type { DetectionCandidates } from '../detection/candidates';

/**
 * HandTrack's classes in score-column order. `face` is not a hand and
 * is never a candidate.
 *
 * @example
 * ```ts
 * HANDTRACK_CLASSES[candidates.classIds[0]]; // 'fist'
 * ```
 */
export const HANDTRACK_CLASSES: readonly string[] = /* @__PURE__ */ Object.freeze(['hand', 'fist', 'pinch', 'point', 'face', 'tip', 'pinchtip']);

const FACE_CLASS = 4;

/**
 * Turns HandTrack's pre-NMS tensors into candidates: for each anchor, the best class score
 * among the hand classes (every class but `face`), that class, and the box as
 * normalised `x1, y1, x2, y2` (0–1 of the detector input, which is the whole frame). No NMS and
 * no threshold: run `nms` next.
 *
 * @throws VisionError `INVALID_INPUT` when the arrays do not hold 4 box values and
 * `HANDTRACK_CLASSES.length` scores per anchor.
 *
 * @example
 * ```ts
 * const c = decodeHandTrack(outputs['StatefulPartitionedCall/Postprocessor/ExpandDims_1'].data, outputs['StatefulPartitionedCall/Postprocessor/Slice'].data);
 * const keep = nms(c.boxes, c.scores, { iouThreshold: 0.2, scoreThreshold: 0.5, maxDetections: 3 });
 * ```
 */
export function decodeHandTrack(rawBoxes: ArrayLike<number>, rawScores: ArrayLike<number>): DetectionCandidates {
  const perAnchor = HANDTRACK_CLASSES.length;
  const n = rawBoxes.length / 4;
  if (!Number.isInteger(n) || rawScores.length !== n * perAnchor) {
    throw new VisionError('INVALID_INPUT', `decodeHandTrack: expected 4 box values and ${perAnchor} scores per anchor; got ${rawBoxes.length} box values and ${rawScores.length} scores`);
  }
  const boxes = new Float32Array(n * 4);
  const scores = new Float32Array(n);
  const classIds = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let bestClass = 0;
    for (let c = 0; c < perAnchor; c++) {
      if (c === FACE_CLASS) continue;
      const s = rawScores[i * perAnchor + c];
      if (s > best) {
        best = s;
        bestClass = c;
      }
    }
    scores[i] = best;
    classIds[i] = bestClass;
    // y1, x1, y2, x2 → x1, y1, x2, y2
    const k = i * 4;
    boxes[k] = rawBoxes[k + 1];
    boxes[k + 1] = rawBoxes[k];
    boxes[k + 2] = rawBoxes[k + 3];
    boxes[k + 3] = rawBoxes[k + 2];
  }
  return { boxes, scores, classIds };
}
