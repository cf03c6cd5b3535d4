/**
 * PoseNet decoders (Papandreou et al., PersonLab; the tfjs PoseNet heads): keypoint heatmaps
 * (logits), short-range offsets, and mid-range displacements along the part tree.
 * Coordinates are model-input pixels: `cell × stride + offset`.
 */
import { VisionError } from '../../core/errors';
import { optionNames } from '../../core/known-options';
import { checkCount, checkOptionNames, checkUnitInterval } from '../validate';
import { POSENET_TREE } from './keypoint-sets';
import { type RawPose, requireLength } from './raw-pose';

/**
 * The PoseNet output maps, each `[gridHeight, gridWidth, channels]` flat (batch 1, NHWC):
 * heatmaps K channels, offsets 2K (all y, then all x), displacements 2E (E edges of the part
 * tree; all y, then all x).
 *
 * @example
 * ```ts
 * const maps: PoseNetOutputs = { heatmaps, offsets, gridWidth: 25, gridHeight: 25, numKeypoints: 17, stride: 16 };
 * ```
 */
export interface PoseNetOutputs {
  heatmaps: ArrayLike<number>;
  offsets: ArrayLike<number>;
  displacementsFwd?: ArrayLike<number>;
  displacementsBwd?: ArrayLike<number>;
  gridWidth: number;
  gridHeight: number;
  numKeypoints: number;
  /** Input pixels per grid cell (16 for the shipped model). */
  stride: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function check(maps: PoseNetOutputs): void {
  const { gridWidth: w, gridHeight: h, numKeypoints: k } = maps;
  if (!(w > 0 && h > 0 && k > 0 && maps.stride > 0)) {
    throw new VisionError('MODEL_FORMAT', `PoseNet: grid ${w}×${h}, ${k} keypoints and stride ${maps.stride} must be positive`);
  }
  requireLength(maps.heatmaps, w * h * k, `PoseNet heatmaps [${h}, ${w}, ${k}]`);
  requireLength(maps.offsets, w * h * k * 2, `PoseNet offsets [${h}, ${w}, ${2 * k}]`);
}

/** Position of keypoint `k` at cell (y, x): cell × stride + offset. */
function position(maps: PoseNetOutputs, y: number, x: number, k: number): [number, number] {
  const base = (y * maps.gridWidth + x) * maps.numKeypoints * 2;
  return [x * maps.stride + maps.offsets[base + maps.numKeypoints + k], y * maps.stride + maps.offsets[base + k]];
}

/**
 * Single-person decoding: for each keypoint, the cell of its highest heatmap logit, refined by
 * that cell's offset; score = sigmoid(logit); the pose score is the mean keypoint score.
 *
 * @example
 * ```ts
 * const pose = decodePoseNetSingle(maps); // keypoints in model-input pixels
 * ```
 */
export function decodePoseNetSingle(maps: PoseNetOutputs): RawPose {
  check(maps);
  const { gridWidth: w, gridHeight: h, numKeypoints: k } = maps;
  const keypoints = new Float32Array(k * 3);
  let total = 0;
  for (let j = 0; j < k; j++) {
    let best = -Infinity;
    let at = 0;
    for (let c = 0; c < w * h; c++) {
      const v = maps.heatmaps[c * k + j];
      if (v > best) {
        best = v;
        at = c;
      }
    }
    const [x, y] = position(maps, Math.floor(at / w), at % w, j);
    keypoints.set([x, y, sigmoid(best)], j * 3);
    total += keypoints[j * 3 + 2];
  }
  return { keypoints, score: total / k };
}

/** Options of {@link decodePoseNetMulti}. @example `decodePoseNetMulti(maps, { maxPoses: 5, scoreThreshold: 0.5, nmsRadius: 20 })` */
export interface PoseNetMultiOptions {
  /** Most people to return. Default 10. */
  maxPoses?: number;
  /** A part must score at least this to seed a person. Default 0.5. */
  scoreThreshold?: number;
  /** Two people's same keypoint closer than this (input pixels) are one person. Default 20. */
  nmsRadius?: number;
  /** Local-maximum window radius in cells for seeds, 0–64. Default 1. */
  localMaximumRadius?: number;
  /** Offset refinements after each displacement step, 0–64. Default 2. */
  refineSteps?: number;
  /** Drop people scoring below this. Default 0. */
  minPoseScore?: number;
  /** Part tree as (parent, child) pairs in displacement-channel order. Default {@link POSENET_TREE}. */
  tree?: readonly (readonly [number, number])[];
}

const MULTI_OPTION_NAMES = /* @__PURE__ */ optionNames<PoseNetMultiOptions>()(['maxPoses', 'scoreThreshold', 'nmsRadius', 'localMaximumRadius', 'refineSteps', 'minPoseScore', 'tree']);

function checkMultiOptions(options: PoseNetMultiOptions, numKeypoints: number): void {
  const fn = 'decodePoseNetMulti';
  checkOptionNames(options, fn, MULTI_OPTION_NAMES);
  if (options.maxPoses !== undefined) checkCount(options.maxPoses, `${fn}: maxPoses`);
  if (options.scoreThreshold !== undefined) checkUnitInterval(options.scoreThreshold, `${fn}: scoreThreshold`);
  if (options.minPoseScore !== undefined) checkUnitInterval(options.minPoseScore, `${fn}: minPoseScore`);
  if (options.nmsRadius !== undefined && !(typeof options.nmsRadius === 'number' && options.nmsRadius >= 0 && Number.isFinite(options.nmsRadius))) {
    throw new VisionError('INVALID_OPTION', `${fn}: nmsRadius must be a finite number ≥ 0 (input pixels); got ${String(options.nmsRadius)}`);
  }
  for (const key of ['localMaximumRadius', 'refineSteps'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 64)) {
      throw new VisionError('INVALID_OPTION', `${fn}: ${key} must be an integer from 0 to 64; got ${String(value)}`);
    }
  }
  const { tree } = options;
  const isKeypoint = (j: unknown): boolean => Number.isInteger(j) && (j as number) >= 0 && (j as number) < numKeypoints;
  if (tree !== undefined && !(Array.isArray(tree) && tree.every((edge) => Array.isArray(edge) && edge.length === 2 && isKeypoint(edge[0]) && isKeypoint(edge[1])))) {
    throw new VisionError('INVALID_OPTION', `${fn}: tree must be a list of (parent, child) keypoint index pairs, each in [0, ${numKeypoints})`);
  }
}

interface Part {
  score: number;
  y: number;
  x: number;
  k: number;
}

function seeds(maps: PoseNetOutputs, threshold: number, radius: number): Part[] {
  const { gridWidth: w, gridHeight: h, numKeypoints: k } = maps;
  const parts: Part[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let j = 0; j < k; j++) {
        const logit = maps.heatmaps[(y * w + x) * k + j];
        const score = sigmoid(logit);
        if (!(score >= threshold)) continue;
        let isMax = true;
        for (let yy = Math.max(0, y - radius); yy <= Math.min(h - 1, y + radius) && isMax; yy++) {
          for (let xx = Math.max(0, x - radius); xx <= Math.min(w - 1, x + radius); xx++) {
            if (maps.heatmaps[(yy * w + xx) * k + j] > logit) {
              isMax = false;
              break;
            }
          }
        }
        if (isMax) parts.push({ score, y, x, k: j });
      }
    }
  }
  return parts.sort((a, b) => b.score - a.score);
}

const clampCell = (v: number, n: number): number => Math.min(n - 1, Math.max(0, Math.round(v)));

/** Follows one edge from a placed keypoint to its neighbour: displacement, then offset refinement. */
function traverse(maps: PoseNetOutputs, displacements: ArrayLike<number>, edge: number, numEdges: number, from: [number, number], target: number, steps: number): [number, number, number] {
  const { gridWidth: w, gridHeight: h, stride } = maps;
  const sy = clampCell(from[1] / stride, h);
  const sx = clampCell(from[0] / stride, w);
  const base = (sy * w + sx) * numEdges * 2;
  let x = from[0] + displacements[base + numEdges + edge];
  let y = from[1] + displacements[base + edge];
  for (let i = 0; i < steps; i++) [x, y] = position(maps, clampCell(y / stride, h), clampCell(x / stride, w), target);
  // scored at the cell nearest the point reached (not the one its last refinement read), as tfjs PoseNet does
  const cy = clampCell(y / stride, h);
  const cx = clampCell(x / stride, w);
  return [x, y, sigmoid(maps.heatmaps[(cy * w + cx) * maps.numKeypoints + target])];
}

/**
 * Multi-person decoding (PersonLab's greedy decoder, as in tfjs PoseNet): local maxima of
 * the heatmaps above `scoreThreshold` seed people, strongest first; a seed within `nmsRadius`
 * of the same keypoint of a person already found is skipped; from the seed, the other keypoints
 * are reached along the part tree (backward displacements towards the root, then forward
 * towards the leaves), each refined by the offsets. A person's score is the mean score of its
 * keypoints that are not within `nmsRadius` of the same keypoint of an earlier person.
 *
 * @throws VisionError `MODEL_FORMAT` when the displacement maps are missing or too small; `INVALID_OPTION`
 * for an option name it does not take or a value out of range.
 *
 * @example
 * ```ts
 * const people = decodePoseNetMulti(maps, { maxPoses: 5, nmsRadius: 20 });
 * ```
 */
export function decodePoseNetMulti(maps: PoseNetOutputs, options: PoseNetMultiOptions = {}): RawPose[] {
  check(maps);
  checkMultiOptions(options, maps.numKeypoints);
  const tree = options.tree ?? POSENET_TREE;
  const numEdges = tree.length;
  const cells = maps.gridWidth * maps.gridHeight;
  requireLength(maps.displacementsFwd, cells * numEdges * 2, 'PoseNet forward displacements');
  requireLength(maps.displacementsBwd, cells * numEdges * 2, 'PoseNet backward displacements');
  const fwd = maps.displacementsFwd!;
  const bwd = maps.displacementsBwd!;
  const maxPoses = options.maxPoses ?? 10;
  const radius2 = (options.nmsRadius ?? 20) ** 2;
  const steps = options.refineSteps ?? 2;
  const k = maps.numKeypoints;
  const poses: RawPose[] = [];
  const near = (x: number, y: number, j: number): boolean =>
    poses.some((p) => (p.keypoints[j * 3] - x) ** 2 + (p.keypoints[j * 3 + 1] - y) ** 2 <= radius2);
  for (const seed of seeds(maps, options.scoreThreshold ?? 0.5, options.localMaximumRadius ?? 1)) {
    if (poses.length >= maxPoses) break;
    const [rx, ry] = position(maps, seed.y, seed.x, seed.k);
    if (near(rx, ry, seed.k)) continue;
    const keypoints = new Float32Array(k * 3);
    const placed = new Uint8Array(k);
    keypoints.set([rx, ry, seed.score], seed.k * 3);
    placed[seed.k] = 1;
    const follow = (edge: number, from: number, to: number, displacements: ArrayLike<number>): void => {
      if (!placed[from] || placed[to]) return;
      const point = traverse(maps, displacements, edge, numEdges, [keypoints[from * 3], keypoints[from * 3 + 1]], to, steps);
      keypoints.set(point, to * 3);
      placed[to] = 1;
    };
    for (let e = numEdges - 1; e >= 0; e--) follow(e, tree[e][1], tree[e][0], bwd);
    for (let e = 0; e < numEdges; e++) follow(e, tree[e][0], tree[e][1], fwd);
    let total = 0;
    for (let j = 0; j < k; j++) if (!near(keypoints[j * 3], keypoints[j * 3 + 1], j)) total += keypoints[j * 3 + 2];
    const score = total / k;
    if (score >= (options.minPoseScore ?? 0)) poses.push({ keypoints, score });
  }
  return poses;
}
